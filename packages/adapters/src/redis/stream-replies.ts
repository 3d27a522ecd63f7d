import { asArray, asNumber, asString, pairs } from './lua-script.js';

/** One stream entry as read from Redis: its stream id and its serialised envelope. */
export interface RawStreamEntry {
  streamId: string;
  raw: string;
}

const rawOf = (fields: unknown): string => {
  if (fields === null || fields === undefined) return '';
  const values = asArray(fields, 'stream entry').map((v) => asString(v, 'stream entry'));
  for (let i = 0; i + 1 < values.length; i += 2) if (values[i] === 'e') return values[i + 1] ?? '';
  // Not written by this log: hand the fields over as JSON so the consumer can dead-letter it.
  return JSON.stringify(values);
};

/**
 * Entries of a single-stream XREADGROUP / XREAD reply. RESP2 answers `[[key, entries]]`;
 * RESP3 answers a map, which ioredis' legacy mapping flattens to `[key, entries]`.
 */
export const parseReadReply = (reply: unknown): RawStreamEntry[] => {
  if (reply === null || reply === undefined) return [];
  const outer = asArray(reply, 'XREADGROUP');
  const first = outer[0];
  const entries = Array.isArray(first) ? (first as unknown[])[1] : outer[1];
  return asArray(entries ?? [], 'XREADGROUP').map((entry) => {
    const [id, fields] = asArray(entry, 'stream entry');
    return { streamId: asString(id, 'stream id'), raw: rawOf(fields) };
  });
};

/** A consumer group's row of XINFO GROUPS; `lag` is null when Redis cannot tell. */
export interface GroupInfo {
  pending: number;
  lag: number | null;
  lastDeliveredId: string;
}

export const findGroup = (reply: unknown, group: string): GroupInfo | undefined => {
  for (const row of asArray(reply, 'XINFO GROUPS')) {
    const info = pairs(row, 'XINFO GROUPS');
    if (asString(info.get('name'), 'group name') !== group) continue;
    const lag = info.get('lag');
    return {
      pending: asNumber(info.get('pending'), 'pending'),
      lag: lag === null || lag === undefined ? null : asNumber(lag, 'lag'),
      lastDeliveredId: asString(info.get('last-delivered-id'), 'last-delivered-id'),
    };
  }
  return undefined;
};

/** The flat `{streamId, raw, deliveries, …}` list the CLAIM script answers. */
export const parseClaimReply = (
  reply: unknown,
): { streamId: string; raw: string; deliveries: number }[] => {
  const flat = asArray(reply, 'claim');
  const out: { streamId: string; raw: string; deliveries: number }[] = [];
  for (let i = 0; i + 2 < flat.length; i += 3) {
    out.push({
      streamId: asString(flat[i], 'stream id'),
      raw: asString(flat[i + 1], 'entry'),
      deliveries: asNumber(flat[i + 2], 'deliveries'),
    });
  }
  return out;
};

/** `true` for the error XGROUP CREATE answers when the group already exists. */
export const isBusyGroup = (error: unknown): boolean =>
  error instanceof Error && error.message.startsWith('BUSYGROUP');

/** `true` for the error XINFO answers about a stream that does not exist yet. */
export const isNoSuchKey = (error: unknown): boolean =>
  error instanceof Error && /no such key/i.test(error.message);
