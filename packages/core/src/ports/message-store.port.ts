import type { Message } from '@chat/contracts';
import type { PageRange } from './page.js';

/**
 * The message store: the history of record.
 *
 * Guarantees:
 * - `putBatch` is idempotent: writing a message again (same id, same room and seq) leaves one
 *   copy. Resolves only when every message is durable.
 * - `page` returns messages ascending by seq as described by `PageRange`.
 * - After `deleteRoom` the room's messages are never returned again.
 */
export abstract class MessageStore {
  abstract putBatch(messages: readonly Message[]): Promise<void>;
  abstract page(roomId: string, range: PageRange): Promise<Message[]>;
  abstract deleteRoom(roomId: string): Promise<void>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
