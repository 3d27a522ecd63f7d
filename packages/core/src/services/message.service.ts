import {
  ChatError,
  DEFAULT_PAGE_LIMIT,
  MAX_REACTIONS_PER_MESSAGE,
  parseMentions,
  systemEventContent,
  type ChangeAck,
  type DeleteMessagePayload,
  type EditMessagePayload,
  type GetMessagesPayload,
  type GetThreadPayload,
  type MarkReadPayload,
  type Message,
  type MessagePage,
  type ReactPayload,
  type SendMessageAck,
  type SendMessagePayload,
  type SystemMessageEvent,
  type ThreadPage,
} from '@chat/contracts';
import { randomUUID } from 'node:crypto';
import type { AttachmentService } from '../attachments/attachment.service.js';
import type { EventLog, MessageDraft, Notifier, RoomRecord, RoomStore } from '../ports/index.js';
import { assertMember, requireMember } from './access.js';
import { systemClock, type Clock } from './clock.js';
import type { HistoryReader } from './history.js';

/** Sending, paging and reading messages; system messages for room events. */
export class MessageService {
  constructor(
    private readonly log: EventLog,
    private readonly rooms: RoomStore,
    private readonly history: HistoryReader,
    private readonly notifier: Notifier,
    private readonly clock: Clock = systemClock,
    /** Uploads that messages carry; without it a send naming attachments is refused. */
    private readonly attachments?: AttachmentService,
  ) {}

  /**
   * Appends a user message and fans it out. Resolves once the message is durable in the log;
   * a retry with the same `clientMsgId` resolves with the first ack and delivers nothing.
   */
  async send(userId: string, payload: SendMessagePayload): Promise<SendMessageAck> {
    const mentioning = parseMentions(payload.content);
    const needsRoom = mentioning.ids.length > 0 || mentioning.room;
    // The membership check is one lookup; the room is read only when someone is mentioned.
    const room = needsRoom
      ? await requireMember(this.rooms, payload.roomId, userId)
      : await assertMember(this.rooms, payload.roomId, userId);
    if (payload.replyTo !== undefined) await this.requireMessage(payload.roomId, payload.replyTo);
    const files = payload.attachments && (await this.claimFiles(userId, payload));
    const message = await this.append({
      ...this.draft(userId, payload.roomId, 'user', payload.clientMsgId),
      ...(files && { id: files.messageId, attachments: files.attachments }),
      content: payload.content,
      ...(payload.replyTo !== undefined && { replyTo: payload.replyTo }),
      ...(room && mentionsIn(room, userId, mentioning)),
    });
    // Delivery comes from the log's live feed (LiveDelivery), in seq order on every replica.
    // Sending reads everything before the message: unread counts take the sender's newest
    // message as their read point (RoomViews), so no write per message.
    return { id: message.id, seq: message.seq, createdAt: message.createdAt };
  }

  /** Replaces the content of the caller's own message; everyone sees it as edited. */
  async edit(userId: string, payload: EditMessagePayload): Promise<ChangeAck> {
    const room = await requireMember(this.rooms, payload.roomId, userId);
    const target = await this.requireMessage(payload.roomId, payload.seq);
    if (target.userId !== userId) {
      throw new ChatError('FORBIDDEN', 'you can only edit your own messages');
    }
    return this.change({
      ...this.draft(userId, payload.roomId, 'edit', payload.clientMsgId),
      target: target.seq,
      content: payload.content,
      ...mentionsIn(room, userId, parseMentions(payload.content)),
    });
  }

  /** Deletes a message: the author's own, or any message in a room the caller owns. */
  async delete(userId: string, payload: DeleteMessagePayload): Promise<ChangeAck> {
    const room = await requireMember(this.rooms, payload.roomId, userId);
    const target = await this.requireMessage(payload.roomId, payload.seq);
    if (target.userId !== userId && room.ownerId !== userId) {
      throw new ChatError('FORBIDDEN', "only the author or the room's owner can delete a message");
    }
    const ack = await this.change({
      ...this.draft(userId, payload.roomId, 'delete', payload.clientMsgId),
      target: target.seq,
      content: '',
    });
    // The deletion is in the log; its files go now (a retry finds none left).
    if (target.attachments?.length) await this.attachments?.deleteMessage(target.id);
    return ack;
  }

  /** Claims the uploads a send names, choosing the message id they are attached to. */
  private async claimFiles(userId: string, payload: SendMessagePayload) {
    if (!this.attachments) {
      throw new ChatError('BAD_REQUEST', 'this server does not take attachments');
    }
    return this.attachments.claim(
      userId,
      payload.roomId,
      payload.attachments ?? [],
      payload.clientMsgId,
    );
  }

  /** Sets whether the caller reacts to a message with an emoji. */
  async react(userId: string, payload: ReactPayload): Promise<ChangeAck> {
    await assertMember(this.rooms, payload.roomId, userId);
    const target = await this.requireMessage(payload.roomId, payload.seq);
    const reactions = target.reactions ?? [];
    if (
      payload.on &&
      reactions.length >= MAX_REACTIONS_PER_MESSAGE &&
      !reactions.some((r) => r.emoji === payload.emoji)
    ) {
      throw new ChatError(
        'BAD_REQUEST',
        `a message takes at most ${MAX_REACTIONS_PER_MESSAGE} different emoji`,
      );
    }
    return this.change({
      ...this.draft(userId, payload.roomId, 'reaction', payload.clientMsgId),
      target: target.seq,
      content: '',
      emoji: payload.emoji,
      on: payload.on,
    });
  }

  /** A message and its replies, oldest first. */
  async thread(userId: string, payload: GetThreadPayload): Promise<ThreadPage> {
    await assertMember(this.rooms, payload.roomId, userId);
    const parent = await this.requireMessage(payload.roomId, payload.seq);
    const page = await this.history.replies(payload.roomId, parent.seq, {
      ...(payload.after !== undefined && { after: payload.after }),
      limit: payload.limit ?? DEFAULT_PAGE_LIMIT,
    });
    return { parent, ...page };
  }

  /**
   * Appends a system message recording `event`, by its actor, with the event's English line as
   * its content; the live feed delivers it as `system`.
   */
  async announce(roomId: string, event: SystemMessageEvent): Promise<Message> {
    const { message } = await this.log.appendMessage({
      ...this.draft(event.actorId, roomId, 'system', undefined),
      content: systemEventContent(event),
      event,
    });
    return message;
  }

  async page(userId: string, payload: GetMessagesPayload): Promise<MessagePage> {
    await assertMember(this.rooms, payload.roomId, userId);
    return this.history.page(payload.roomId, {
      ...(payload.before === undefined ? {} : { before: payload.before }),
      ...(payload.after === undefined ? {} : { after: payload.after }),
      limit: payload.limit ?? DEFAULT_PAGE_LIMIT,
    });
  }

  private draft(
    userId: string,
    roomId: string,
    kind: Message['kind'],
    clientMsgId: string | undefined,
  ): Omit<MessageDraft, 'content'> {
    return {
      id: randomUUID(),
      roomId,
      userId,
      createdAt: this.clock().toISOString(),
      ...(clientMsgId !== undefined && { clientMsgId }),
      kind,
    };
  }

  /** Appends a change; a retry with the same `clientMsgId` answers the first ack. */
  private async change(draft: MessageDraft): Promise<ChangeAck> {
    const message = await this.append(draft);
    return { seq: message.seq, createdAt: message.createdAt };
  }

  /**
   * Appends a message or change. A `clientMsgId` the log has seen answers the first one, when
   * it is a retry of the same command (same kind, same target); one reused for something else
   * is a `CONFLICT`, not someone else's ack.
   */
  private async append(draft: MessageDraft): Promise<Message> {
    const { message, duplicate } = await this.log.appendMessage(draft);
    if (duplicate && (message.kind !== draft.kind || message.target !== draft.target)) {
      throw new ChatError('CONFLICT', 'this clientMsgId was used for another message or change');
    }
    return message;
  }

  /** The current state of a user message of the room; `NOT_FOUND` for anything else. */
  private async requireMessage(roomId: string, seq: number): Promise<Message> {
    const message = await this.history.message(roomId, seq);
    if (!message || message.kind !== 'user' || message.deleted) {
      throw new ChatError('NOT_FOUND', `no message ${seq} in room ${roomId}`);
    }
    return message;
  }

  /** Moves the caller's read pointer forward (clamped to the last seq); `read` only on a move. */
  async markRead(userId: string, payload: MarkReadPayload): Promise<void> {
    await assertMember(this.rooms, payload.roomId, userId);
    const lastSeq = (await this.log.lastSeqs([payload.roomId])).get(payload.roomId) ?? 0;
    const seq = Math.min(payload.seq, lastSeq);
    if (seq <= 0) return;
    if (await this.rooms.markRead(payload.roomId, userId, seq)) {
      this.notifier.toRoom(payload.roomId, 'read', { roomId: payload.roomId, userId, seq });
    }
  }
}

/** The ids a message mentions: only members of the room, never the sender. */
function mentionsIn(
  room: RoomRecord,
  senderId: string,
  mentioning: { ids: string[]; room: boolean },
): Pick<Message, 'mentions' | 'mentionsRoom'> {
  const members = new Map(room.members.map((id) => [id.toLowerCase(), id]));
  const mentions = mentioning.ids.flatMap((id) => {
    const member = members.get(id);
    return member !== undefined && member !== senderId ? [member] : [];
  });
  return {
    ...(mentions.length > 0 && { mentions }),
    ...(mentioning.room && { mentionsRoom: true }),
  };
}
