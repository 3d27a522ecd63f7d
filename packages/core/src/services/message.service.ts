import {
  DEFAULT_PAGE_LIMIT,
  type GetMessagesPayload,
  type MarkReadPayload,
  type Message,
  type SendMessageAck,
  type SendMessagePayload,
} from '@chat/contracts';
import { randomUUID } from 'node:crypto';
import type { EventLog, Notifier, RoomStore } from '../ports/index.js';
import { requireMembership } from './access.js';
import { systemClock, type Clock } from './clock.js';
import type { HistoryPage, HistoryReader } from './history.js';

/** Sending, paging and reading messages; system messages for room events. */
export class MessageService {
  constructor(
    private readonly log: EventLog,
    private readonly rooms: RoomStore,
    private readonly history: HistoryReader,
    private readonly notifier: Notifier,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Appends a user message and fans it out. Resolves once the message is durable in the log;
   * a retry with the same `clientMsgId` resolves with the first ack and delivers nothing.
   */
  async send(userId: string, payload: SendMessagePayload): Promise<SendMessageAck> {
    await requireMembership(this.rooms, payload.roomId, userId);
    const { message } = await this.log.appendMessage({
      id: randomUUID(),
      roomId: payload.roomId,
      userId,
      content: payload.content,
      kind: 'user',
      createdAt: this.clock().toISOString(),
      ...(payload.clientMsgId === undefined ? {} : { clientMsgId: payload.clientMsgId }),
    });
    // Delivery comes from the log's live feed (LiveDelivery), in seq order on every replica.
    // Sending reads everything before the message: unread counts take the sender's newest
    // message as their read point (RoomViews), so no write per message.
    return { id: message.id, seq: message.seq, createdAt: message.createdAt };
  }

  /** Appends a system message (joined, invited, left); the live feed delivers it as `system`. */
  async announce(roomId: string, actorId: string, content: string): Promise<Message> {
    const { message } = await this.log.appendMessage({
      id: randomUUID(),
      roomId,
      userId: actorId,
      content,
      kind: 'system',
      createdAt: this.clock().toISOString(),
    });
    return message;
  }

  async page(userId: string, payload: GetMessagesPayload): Promise<HistoryPage> {
    await requireMembership(this.rooms, payload.roomId, userId);
    return this.history.page(payload.roomId, {
      ...(payload.before === undefined ? {} : { before: payload.before }),
      ...(payload.after === undefined ? {} : { after: payload.after }),
      limit: payload.limit ?? DEFAULT_PAGE_LIMIT,
    });
  }

  /** Moves the caller's read pointer forward (clamped to the last seq); `read` only on a move. */
  async markRead(userId: string, payload: MarkReadPayload): Promise<void> {
    await requireMembership(this.rooms, payload.roomId, userId);
    const lastSeq = (await this.log.lastSeqs([payload.roomId])).get(payload.roomId) ?? 0;
    const seq = Math.min(payload.seq, lastSeq);
    if (seq <= 0) return;
    if (await this.rooms.markRead(payload.roomId, userId, seq)) {
      this.notifier.toRoom(payload.roomId, 'read', { roomId: payload.roomId, userId, seq });
    }
  }
}
