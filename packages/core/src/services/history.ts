import type { Message } from '@chat/contracts';
import type { EventLog, MessageStore, PageRange } from '../ports/index.js';

export interface HistoryPage {
  messages: Message[];
  hasMore: boolean;
}

/**
 * Reads a page of a room's history from the store merged with the log's recent window, so a
 * message is visible from the moment it is acked, before a sink has stored it.
 *
 * Both sources are asked for `limit + 1` messages of the same range: the true first (or last)
 * `limit + 1` of their union are among those, so the merge is exact and the extra one tells
 * whether more exist.
 */
export class HistoryReader {
  constructor(
    private readonly log: EventLog,
    private readonly store: MessageStore,
  ) {}

  async page(roomId: string, range: PageRange): Promise<HistoryPage> {
    const probe: PageRange = { ...range, limit: range.limit + 1 };
    const [stored, recent] = await Promise.all([
      this.store.page(roomId, probe),
      this.log.window(roomId, probe),
    ]);
    const bySeq = new Map<number, Message>();
    for (const message of stored) bySeq.set(message.seq, message);
    for (const message of recent) bySeq.set(message.seq, message);
    const merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    const hasMore = merged.length > range.limit;
    const messages =
      range.after !== undefined ? merged.slice(0, range.limit) : merged.slice(-range.limit);
    return { messages, hasMore };
  }
}
