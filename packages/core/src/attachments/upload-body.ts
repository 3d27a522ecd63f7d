/** Reading an upload's body as it streams in: its head for sniffing, then the rest, bounded. */

/** Reads chunks until `bytes` are in hand (or the body ends); the last chunk may overshoot. */
export async function readHead(
  chunks: AsyncIterator<Uint8Array>,
  bytes: number,
): Promise<{ bytes: Uint8Array; done: boolean }> {
  const parts: Uint8Array[] = [];
  let length = 0;
  while (length < bytes) {
    const next = await chunks.next();
    if (next.done) return { bytes: Buffer.concat(parts), done: true };
    parts.push(next.value);
    length += next.value.length;
  }
  return { bytes: Buffer.concat(parts), done: false };
}

/**
 * The head, then the rest of the body; past `maxBytes` it throws `tooLarge()`, so whatever
 * consumes it stops there and keeps nothing.
 */
export async function* withinLimit(
  head: { bytes: Uint8Array; done: boolean },
  rest: AsyncIterator<Uint8Array>,
  maxBytes: number,
  tooLarge: () => Error,
): AsyncGenerator<Uint8Array> {
  let total = head.bytes.length;
  if (total > maxBytes) throw tooLarge();
  if (total > 0) yield head.bytes;
  if (head.done) return;
  for (let next = await rest.next(); !next.done; next = await rest.next()) {
    total += next.value.length;
    if (total > maxBytes) throw tooLarge();
    yield next.value;
  }
}

/** One buffer as a body. */
export async function* single(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
  await Promise.resolve();
}
