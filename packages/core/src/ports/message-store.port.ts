import type { Message } from '@chat/contracts';
import type { PageRange } from './page.js';

/**
 * The message store: the history of record.
 *
 * Guarantees:
 * - `putBatch` is idempotent: writing a message again (same id, same room and seq) leaves one
 *   copy. Resolves only when every message is durable.
 * - `page` returns messages ascending by seq as described by `PageRange`.
 * - A change (edit, delete, reaction) is stored as a row of its own and folded into its
 *   target with `applyChange`, idempotently; after a deletion neither the target nor its edits
 *   hold the deleted text.
 * - `replies` returns the messages answering one message (`replyTo`), ascending by seq.
 * - After `deleteRoom` the room's messages are never returned again.
 */
export abstract class MessageStore {
  abstract putBatch(messages: readonly Message[]): Promise<void>;
  abstract page(roomId: string, range: PageRange): Promise<Message[]>;
  /** Replies to the message `seq` with a seq above `range.after`, ascending, at most `limit`. */
  abstract replies(
    roomId: string,
    seq: number,
    range: { after?: number; limit: number },
  ): Promise<Message[]>;
  abstract deleteRoom(roomId: string): Promise<void>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}

/**
 * The optional fields of a message (reply, mentions, change, folded state) as JSON, or
 * undefined when it has none: what the stores keep beside the fields every message has.
 */
export function messageDetails(message: Message): string | undefined {
  const { id: _i, roomId: _r, seq: _s, userId: _u, content: _c, createdAt: _t, ...rest } = message;
  const { clientMsgId: _m, kind: _k, ...details } = rest;
  return Object.keys(details).length > 0 ? JSON.stringify(details) : undefined;
}
