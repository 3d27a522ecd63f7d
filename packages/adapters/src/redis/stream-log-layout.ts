/**
 * Key layout of the Redis Streams event log. Every key of one shard carries the hash tag
 * `{<prefix>:log:<n>}`, so a shard lives in one cluster slot and each Lua script call touches
 * one slot only. A room always maps to the same shard (FNV-1a of its id modulo the shard
 * count), so its seq counter, dedupe keys and hot window sit beside the stream its events go
 * to, and its events keep their order inside that stream.
 *
 * The shard count is part of the data layout: changing it moves rooms to other shards (and
 * other seq counters), so it is fixed for the life of a deployment.
 */
export class StreamLogLayout {
  constructor(
    readonly prefix: string,
    readonly shards: number,
  ) {
    if (!Number.isInteger(shards) || shards < 1)
      throw new Error('shards must be a positive integer');
  }

  shardOf(roomId: string): number {
    // FNV-1a over UTF-8: stable across processes and versions, unlike any runtime hash.
    let hash = 0x811c9dc5;
    for (const byte of Buffer.from(roomId, 'utf8')) {
      hash ^= byte;
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash % this.shards;
  }

  allShards(): number[] {
    return Array.from({ length: this.shards }, (_, i) => i);
  }

  private tag(shard: number): string {
    return `{${this.prefix}:log:${shard}}`;
  }

  stream(shard: number): string {
    return `${this.tag(shard)}:events`;
  }

  deadLetters(shard: number): string {
    return `${this.tag(shard)}:dlq`;
  }

  /** Hash of group name → number of entries that group dead-lettered from this shard. */
  deadLetterCounts(shard: number): string {
    return `${this.tag(shard)}:dlq-count`;
  }

  seq(roomId: string): string {
    return `${this.tag(this.shardOf(roomId))}:seq:${encodeURIComponent(roomId)}`;
  }

  window(roomId: string): string {
    return `${this.tag(this.shardOf(roomId))}:window:${encodeURIComponent(roomId)}`;
  }

  /** The room's recent changes (edit, delete, reaction): a sorted set by seq, like the window. */
  changes(roomId: string): string {
    return `${this.tag(this.shardOf(roomId))}:changes:${encodeURIComponent(roomId)}`;
  }

  /**
   * The room's sent marks: a sorted set of `<seq>:<sender>` by seq, its newest user messages,
   * plus `0:` at score 0 while the room has any.
   */
  sentMarks(roomId: string): string {
    return `${this.tag(this.shardOf(roomId))}:sent:${encodeURIComponent(roomId)}`;
  }

  /** The preview of the room's newest user or system message (JSON), kept with the append. */
  lastMessage(roomId: string): string {
    return `${this.tag(this.shardOf(roomId))}:last:${encodeURIComponent(roomId)}`;
  }

  dedupe(roomId: string, userId: string, clientMsgId: string): string {
    const parts = [roomId, userId, clientMsgId].map(encodeURIComponent).join(':');
    return `${this.tag(this.shardOf(roomId))}:dedupe:${parts}`;
  }

  /** Marks a message id as appended, so a command re-sent after a lost reply appends nothing. */
  appended(roomId: string, messageId: string): string {
    return `${this.tag(this.shardOf(roomId))}:appended:${encodeURIComponent(messageId)}`;
  }

  /** Entry ids handed to consumers name their shard: `<shard>:<stream id>`. */
  entryId(shard: number, streamId: string): string {
    return `${shard}:${streamId}`;
  }

  parseEntryId(entryId: string): { shard: number; streamId: string } {
    const colon = entryId.indexOf(':');
    const shard = Number(entryId.slice(0, colon));
    const streamId = entryId.slice(colon + 1);
    if (colon < 1 || !Number.isInteger(shard) || shard < 0 || shard >= this.shards) {
      throw new Error(`not an entry id of this log: ${entryId}`);
    }
    if (!/^\d+-\d+$/.test(streamId)) throw new Error(`not an entry id of this log: ${entryId}`);
    return { shard, streamId };
  }
}
