import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttachmentStore } from '../ports/attachment-store.port.js';
import type { ConformanceFactory } from './harness.js';

/** `bytes` as a stream of `chunkSize` pieces, as an upload arrives. */
export async function* chunked(bytes: Uint8Array, chunkSize = 64 * 1024) {
  for (let offset = 0; offset < bytes.length; offset += chunkSize) {
    yield bytes.subarray(offset, offset + chunkSize);
    await Promise.resolve();
  }
}

/** `bytes`, then a failure: a client that goes away mid-upload. */
async function* failingAfter(bytes: Uint8Array, error: Error) {
  yield* chunked(bytes);
  throw error;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * The AttachmentStore guarantees: content addresses, whole-or-nothing puts, one copy of the
 * same bytes, idempotent deletes, and no key that escapes the store.
 */
export function describeAttachmentStoreConformance(
  name: string,
  factory: ConformanceFactory<AttachmentStore>,
): void {
  describe(name, () => {
    let sut!: AttachmentStore;
    let cleanup!: () => Promise<void>;
    beforeAll(async () => ({ sut, cleanup } = await factory()));
    afterAll(() => cleanup());

    const keys = async () => {
      const found: string[] = [];
      for await (const blob of sut.list()) found.push(blob.key);
      return found;
    };

    it('names bytes by their SHA-256 and serves them back exactly', async () => {
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      const stored = await sut.put(chunked(bytes));
      expect(stored).toEqual({ key: sha256(bytes), size: bytes.length });
      const got = await sut.get(stored.key);
      expect(got?.size).toBe(bytes.length);
      expect((await readAll(got?.body ?? chunked(new Uint8Array()))).equals(bytes)).toBe(true);
      expect(await sut.stat(stored.key)).toMatchObject({ key: stored.key, size: bytes.length });
    });

    it('stores an empty file', async () => {
      const stored = await sut.put(chunked(new Uint8Array()));
      expect(stored).toEqual({ key: sha256(new Uint8Array()), size: 0 });
      expect((await sut.get(stored.key))?.size).toBe(0);
    });

    it('keeps one copy of the same bytes put twice and refreshes its time', async () => {
      const bytes = randomBytes(10_000);
      const first = await sut.put(chunked(bytes));
      const before = await sut.stat(first.key);
      const second = await sut.put(chunked(bytes, 999));
      expect(second).toEqual(first);
      expect((await keys()).filter((k) => k === first.key)).toHaveLength(1);
      const after = await sut.stat(first.key);
      expect(after?.modifiedAt.getTime()).toBeGreaterThanOrEqual(before?.modifiedAt.getTime() ?? 0);
    });

    it('leaves nothing behind when the body fails part way', async () => {
      const listed = new Set(await keys());
      const bytes = randomBytes(2 * 1024 * 1024);
      const gone = new Error('client went away');
      await expect(sut.put(failingAfter(bytes, gone))).rejects.toBe(gone);
      expect(await sut.stat(sha256(bytes))).toBeUndefined();
      expect((await keys()).filter((k) => !listed.has(k))).toEqual([]);
    });

    it('deletes idempotently and keeps other blobs', async () => {
      const [a, b] = [randomBytes(100), randomBytes(100)];
      const [ka, kb] = [await sut.put(chunked(a)), await sut.put(chunked(b))];
      await sut.delete([ka.key]);
      await sut.delete([ka.key, sha256(randomBytes(8))]);
      expect(await sut.get(ka.key)).toBeUndefined();
      expect(await sut.stat(ka.key)).toBeUndefined();
      expect((await keys()).includes(ka.key)).toBe(false);
      expect((await sut.get(kb.key))?.size).toBe(100);
    });

    it('treats a key that is not a content address as unknown', async () => {
      for (const key of ['../../etc/passwd', 'tmp', '', 'A'.repeat(64), `${'a'.repeat(64)}/x`]) {
        expect(await sut.get(key)).toBeUndefined();
        expect(await sut.stat(key)).toBeUndefined();
        await sut.delete([key]);
      }
    });

    it('lists every stored blob once', async () => {
      const stored = await Promise.all([1, 2, 3].map(() => sut.put(chunked(randomBytes(50)))));
      const listed = await keys();
      for (const { key } of stored) expect(listed.filter((k) => k === key)).toHaveLength(1);
    });

    it('answers ping', async () => {
      await expect(sut.ping()).resolves.toBeUndefined();
    });
  });
}
