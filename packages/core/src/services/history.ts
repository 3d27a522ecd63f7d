import { applyChanges, type Message, type MessagePage } from '@chat/contracts';
import type { EventLog, MessageStore, PageRange } from '../ports/index.js';

/** How many of the window's rows after a thread's parent a thread page looks through. */
const THREAD_WINDOW_SCAN = 500;

/**
 * Reads a page of a room's history from the store merged with the log's recent window, so a
 * message is visible from the moment it is acked, before a sink has stored it.
 *
 * Both sources are asked for `limit + 1` messages of the same range: the true first (or last)
 * `limit + 1` of their union are among those, so the merge is exact and the extra one tells
 * whether more exist.
 *
 * The store applies changes (edits, deletions, reactions) as its sink gets to them; the changes
 * the log still holds are folded into the page again (`applyChange` is idempotent and applied
 * in seq order), so an edit or a deletion shows in history the moment it is acked.
 */
export class HistoryReader {
  constructor(
    private readonly log: EventLog,
    private readonly store: MessageStore,
  ) {}

  async page(roomId: string, range: PageRange): Promise<MessagePage> {
    const probe: PageRange = { ...range, limit: range.limit + 1 };
    const [stored, recent] = await Promise.all([
      this.store.page(roomId, probe),
      this.log.window(roomId, probe),
    ]);
    const merged = mergeBySeq(stored, recent);
    const hasMore = merged.length > range.limit;
    const page =
      range.after !== undefined ? merged.slice(0, range.limit) : merged.slice(-range.limit);
    return { messages: await this.withRecentChanges(roomId, page), hasMore };
  }

  /**
   * The current state of the message with seq `seq`, or undefined. The log's window answers
   * while it holds the message (then it also holds every later entry, changes included), so the
   * edits and reactions of recent messages never wait on the store; older ones come from it.
   */
  async message(roomId: string, seq: number): Promise<Message | undefined> {
    const range: PageRange = { after: seq - 1, limit: 1 };
    const [recent] = await this.log.window(roomId, range);
    const found = recent?.seq === seq ? recent : (await this.store.page(roomId, range))[0];
    if (found?.seq !== seq) return undefined;
    const [current] = await this.withRecentChanges(roomId, [found]);
    return current;
  }

  /**
   * The replies to message `seq` after `range.after`, ascending: the store's, merged with the
   * ones in the log's window (at most `THREAD_WINDOW_SCAN` of its newest rows are looked at).
   */
  async replies(
    roomId: string,
    seq: number,
    range: { after?: number; limit: number },
  ): Promise<MessagePage> {
    const after = Math.max(seq, range.after ?? 0);
    const probe = { after, limit: range.limit + 1 };
    const [stored, recent] = await Promise.all([
      this.store.replies(roomId, seq, probe),
      this.log.window(roomId, { after, limit: THREAD_WINDOW_SCAN }),
    ]);
    const replies = recent.filter((message) => message.replyTo === seq);
    const merged = mergeBySeq(stored, replies).slice(0, range.limit + 1);
    const page = merged.slice(0, range.limit);
    return {
      messages: await this.withRecentChanges(roomId, page),
      hasMore: merged.length > range.limit,
    };
  }

  /** The page with the changes the log still holds folded in (the store may lag behind). */
  private async withRecentChanges(roomId: string, page: Message[]): Promise<Message[]> {
    const first = page.find((m) => m.kind === 'user');
    if (!first) return page;
    return applyChanges(page, await this.log.changes(roomId, first.seq));
  }
}

/** Both lists as one, ascending by seq, each seq once: the log's copy wins over the store's. */
const mergeBySeq = (stored: readonly Message[], recent: readonly Message[]): Message[] => {
  const bySeq = new Map<number, Message>();
  for (const message of stored) bySeq.set(message.seq, message);
  for (const message of recent) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
};
