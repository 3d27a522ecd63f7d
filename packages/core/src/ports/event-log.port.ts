import type { LogEnvelope, Message, MessageKind } from '@chat/contracts';
import type { PageRange } from './page.js';

/** A message as the gateway hands it to the log, before the log assigns its seq. */
export interface MessageDraft {
  id: string;
  roomId: string;
  userId: string;
  content: string;
  kind: MessageKind;
  createdAt: string;
  clientMsgId?: string;
}

export interface AppendResult {
  /** The stored message: the new one, or the first one sent with the same `clientMsgId`. */
  message: Message;
  /** True when `clientMsgId` matched an earlier append and nothing was written. */
  duplicate: boolean;
}

/** One entry as a consumer group sees it. `raw` is the serialised envelope, possibly poison. */
export interface LogEntry {
  entryId: string;
  raw: string;
  /** How many times the entry has been delivered to this group, this delivery included. */
  deliveries: number;
}

/** A user message as unread counting sees it: its seq and sender, none of its content. */
export interface SentMark {
  seq: number;
  userId: string;
}

/** How many of each room's newest user messages the log keeps marks of, at least. */
export const SENT_MARKS_KEPT = 101;

export interface GroupStats {
  /** Entries not yet delivered to the group. */
  lag: number;
  /** Entries delivered but not acknowledged. */
  pending: number;
  /** Entries moved to the dead-letter list by this group. */
  deadLetters: number;
}

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
 *   suffix of the room's history; callers merge it with the message store.
 * - `sentMarks` answers from marks of at least the newest `SENT_MARKS_KEPT` user messages of
 *   each room, written with the append: its cost depends on the number of rooms asked, never
 *   on what was written in them.
 * - Consumer groups: every group sees every entry at least once; an entry stays pending until
 *   acked; entries pending on a dead consumer can be claimed after `minIdleMs`.
 * - `trim` never removes an entry some group has not acknowledged.
 */
export abstract class EventLog {
  abstract appendMessage(draft: MessageDraft): Promise<AppendResult>;
  /** Appends a non-message event (e.g. `room.deleted`). */
  abstract append(envelope: LogEnvelope): Promise<string>;
  /** The last assigned seq per room (0 for a room with no messages). */
  abstract lastSeqs(roomIds: readonly string[]): Promise<Map<string, number>>;
  /** Recent messages of a room still held by the log, filtered by `range`, ascending. */
  abstract window(roomId: string, range: PageRange): Promise<Message[]>;
  /**
   * Per room of `after`, its newest user messages (not system ones) with a seq above the given
   * one, at most `limit` (≤ `SENT_MARKS_KEPT`), newest first. A room whose marks the log no
   * longer holds (the Redis log drops a room's marks after long idleness) is left out.
   */
  abstract sentMarks(
    after: ReadonlyMap<string, number>,
    limit: number,
  ): Promise<Map<string, SentMark[]>>;
  /** Drops the room's recent window and marks (after the room is deleted). */
  abstract forgetRoom(roomId: string): Promise<void>;
  /**
   * The live feed that delivery is built on: `listener` gets every message appended from now
   * on, by any process, in seq order per room — the order the log assigned, whichever process
   * appended. At most once: a subscriber that is not connected misses messages, which clients
   * recover from history. Duplicates (a `clientMsgId` retry) are not fed. Resolves once
   * subscribed, with the function that unsubscribes.
   */
  abstract subscribe(listener: (message: Message) => void): Promise<() => Promise<void>>;

  /** Creates the group if missing; a new group starts at the beginning of the retained log. */
  abstract ensureGroup(group: string): Promise<void>;
  /** New entries for `consumer`, waiting up to `blockMs` for at least one. */
  abstract read(
    group: string,
    consumer: string,
    count: number,
    blockMs: number,
  ): Promise<LogEntry[]>;
  /** Takes over entries pending longer than `minIdleMs` (e.g. from a consumer that died). */
  abstract claim(
    group: string,
    consumer: string,
    minIdleMs: number,
    count: number,
  ): Promise<LogEntry[]>;
  abstract ack(group: string, entryIds: readonly string[]): Promise<void>;
  /** Moves an entry to the dead-letter list with its reason and acks it. */
  abstract deadLetter(group: string, entry: LogEntry, reason: string): Promise<void>;
  abstract stats(group: string): Promise<GroupStats>;
  /** Removes entries every group has acknowledged; returns how many were removed. */
  abstract trim(): Promise<number>;
  /** Answers when the log is reachable (readiness). */
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
