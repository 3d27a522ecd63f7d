import type { Message, MessagePreview, RoomEventEnvelope } from '@chat/contracts';
import type { PageRange } from './page.js';

/**
 * A message (or a change: edit, delete, reaction) as the gateway hands it to the log, before
 * the log assigns its seq. It carries no folded state (`editedAt`, `deleted`, `reactions`).
 */
export type MessageDraft = Omit<Message, 'seq' | 'editedAt' | 'deleted' | 'reactions'>;

export interface AppendResult {
  /** The stored message: the new one, or the first one sent with the same `clientMsgId`. */
  message: Message;
  /** True when `clientMsgId` matched an earlier append and nothing was written. */
  duplicate: boolean;
}

/** A reader's unread user messages in one room, and how many of them mention the reader. */
export interface UnreadCount {
  messages: number;
  mentions: number;
}

/**
 * Whom a user message mentions, as its sent mark keeps it: ` id1 id2 ` (each id between
 * spaces, so a search for ` <id> ` finds exactly that id), with `*` for `@room`; '' for none.
 */
export const mentionList = (message: Pick<MessageDraft, 'mentions' | 'mentionsRoom'>): string => {
  const ids = [...(message.mentions ?? []), ...(message.mentionsRoom ? ['*'] : [])];
  return ids.length > 0 ? ` ${ids.join(' ')} ` : '';
};

/** How many of each room's newest user messages the log keeps marks of, at least. */
export const SENT_MARKS_KEPT = 101;

/**
 * The event log: every chat event, in order, durable before it is acknowledged.
 *
 * Guarantees:
 * - `appendMessage` is atomic: it dedupes on (roomId, userId, clientMsgId) for at least 24 h,
 *   assigns the room's next seq (strictly increasing, no reuse, even under concurrent
 *   appenders on many processes) and appends a `message.created` envelope. When the promise
 *   resolves the entry is durable (the adapter's fsync policy is documented in `docs/`).
 * - `subscribe` feeds every new message to every subscriber in per-room seq order, so all
 *   members see the same order whichever replica they are connected to.
 * - `window` serves a room's recent messages straight from the log, so a message is visible
 *   to history the moment it is acked, before any sink has stored it. It may hold only a
 *   suffix of the room's history; callers merge it with the message store. Changes (edit,
 *   delete, reaction) are appended like messages and are in the window too; `changes` serves
 *   just them, so a reader folds changes the store may not have applied yet.
 * - Appending a `delete` removes the content of its target, and of the edits of its target,
 *   from the window in the same atomic step: the window never serves a deleted message's text.
 * - `unreadCounts` counts from marks (seq, sender and whom the message mentions) of at least
 *   the newest `SENT_MARKS_KEPT` user messages of each room, written with the append: its cost
 *   depends on the number of rooms asked, never on what was written in them.
 *
 * The sinks read the same entries through `ConsumerGroups`.
 */
export abstract class EventLog {
  abstract appendMessage(draft: MessageDraft): Promise<AppendResult>;
  /** Appends an event that is not a message (e.g. `room.deleted`) as is; its entry id. */
  abstract appendEvent(envelope: RoomEventEnvelope): Promise<string>;
  /** The last assigned seq per room (0 for a room with no messages). */
  abstract lastSeqs(roomIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * Per room, the preview of its newest user or system message (`toMessagePreview`), kept with
   * the append, with an edit or the deletion of that message folded in: what a room list shows,
   * read without reading messages. A room the log holds no preview of (none appended since the
   * preview was kept, or the Redis log dropped it after long idleness) is left out.
   */
  abstract lastMessages(roomIds: readonly string[]): Promise<Map<string, MessagePreview>>;
  /** Recent messages of a room still held by the log, filtered by `range`, ascending. */
  abstract window(roomId: string, range: PageRange): Promise<Message[]>;
  /**
   * The changes (edit, delete, reaction) of a room still held by the window with a seq above
   * `after`, ascending: at most as many as the window holds.
   */
  abstract changes(roomId: string, after: number): Promise<Message[]>;
  /**
   * Per room of `after`, how many user messages with a seq above the given one `readerId` has
   * not read (`messages`): not their own, and newer than their own newest one (sending a
   * message reads everything before it); and how many of those mention them, by id or with
   * `@room` (`mentions`). Capped at `cap` (below `SENT_MARKS_KEPT`). A room whose marks the
   * log no longer holds (the Redis log drops a room's marks after long idleness) is left out.
   */
  abstract unreadCounts(
    readerId: string,
    after: ReadonlyMap<string, number>,
    cap: number,
  ): Promise<Map<string, UnreadCount>>;
  /** Drops the room's recent window and marks (after the room is deleted). */
  abstract deleteRoom(roomId: string): Promise<void>;
  /**
   * The live feed that delivery is built on: `listener` gets every message appended from now
   * on, by any process, in seq order per room — the order the log assigned, whichever process
   * appended. At most once: a subscriber that is not connected misses messages, which clients
   * recover from history. Duplicates (a `clientMsgId` retry) are not fed. `onResumed` is called
   * each time the feed is subscribed again after an interruption (e.g. its connection to the
   * log dropped and came back): messages appended meanwhile were not fed, and the subscriber's
   * clients should catch up from history. Resolves once subscribed, with the function that
   * unsubscribes.
   */
  abstract subscribe(
    listener: (message: Message) => void,
    onResumed?: () => void,
  ): Promise<() => Promise<void>>;

  /** Answers when the log is reachable (readiness). */
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
