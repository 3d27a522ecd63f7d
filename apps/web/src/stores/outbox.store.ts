import {
  ChatError,
  MAX_CONTENT_CODE_POINTS,
  codePointLength,
  type ErrorCode,
  type Message,
  type MessageAttachment,
  type SendMessageAck,
} from '@chat/contracts';
import { defineStore } from 'pinia';
import { reactive } from 'vue';
import { newClientMsgId } from '../services/ids';
import { useAuthStore } from './auth.store';
import { useConnectionStore } from './connection.store';
import { useMessagesStore } from './messages.store';
import { useRoomsStore } from './rooms.store';

/**
 * A message shown before the server has acked it: `sending`, `waiting` for the connection to
 * come back (it is sent by itself then, and shown as pending meanwhile), or `failed` for good,
 * until the person retries or discards it.
 */
export interface PendingMessage {
  clientMsgId: string;
  roomId: string;
  content: string;
  /** The seq of the message this one answers. */
  replyTo?: number;
  createdAt: string;
  status: 'sending' | 'waiting' | 'failed';
  errorCode?: ErrorCode;
  attachments?: MessageAttachment[];
}

/** Failures that may pass on their own; such messages are re-sent when the connection returns. */
const TRANSIENT: readonly ErrorCode[] = ['UNAVAILABLE', 'INTERNAL', 'RATE_LIMITED'];

/**
 * Optimistic sending. Each message gets a `clientMsgId` once; every retry reuses it, so the
 * server stores it at most once however often it is sent.
 *
 * The sender hears of its message twice: the ack, and the server's copy on the live feed (the
 * echo). The outbox is the one path by which such a message enters the view: whichever of the
 * two comes first settles the pending entry and hands the message to the timeline; the other is
 * dropped.
 */
export const useOutboxStore = defineStore('outbox', () => {
  const byRoom = reactive<Record<string, PendingMessage[]>>({});
  // Settled by their ack, echo still to come (per room): that echo is already in view.
  const echoDue = new Map<string, Set<string>>();

  const pendingIn = (roomId: string): PendingMessage[] => byRoom[roomId] ?? [];

  function take(roomId: string, clientMsgId: string): PendingMessage | undefined {
    const list = byRoom[roomId];
    const index = list?.findIndex((p) => p.clientMsgId === clientMsgId) ?? -1;
    return index >= 0 ? list?.splice(index, 1)[0] : undefined;
  }

  /** The one write of a message sent from here into the view, once, if it is still pending. */
  function settle(p: PendingMessage, message: Message): boolean {
    if (!take(p.roomId, p.clientMsgId)) return false;
    useMessagesStore().receive(message);
    // The server moves the sender's read pointer to the sent message.
    useRoomsStore().clearUnread(p.roomId);
    return true;
  }

  function settleByAck(p: PendingMessage, ack: SendMessageAck): void {
    const message: Message = {
      id: ack.id,
      roomId: p.roomId,
      seq: ack.seq,
      userId: useAuthStore().userId ?? '',
      content: p.content,
      createdAt: ack.createdAt,
      clientMsgId: p.clientMsgId,
      kind: 'user',
      ...(p.replyTo !== undefined && { replyTo: p.replyTo }),
      ...(p.attachments && { attachments: p.attachments }),
    };
    if (!settle(p, message)) return;
    const due = echoDue.get(p.roomId) ?? new Set<string>();
    echoDue.set(p.roomId, due.add(p.clientMsgId));
  }

  async function deliver(p: PendingMessage): Promise<void> {
    p.status = 'sending';
    delete p.errorCode;
    try {
      const ack = await useConnectionStore().request('send_message', {
        roomId: p.roomId,
        content: p.content,
        clientMsgId: p.clientMsgId,
        ...(p.replyTo !== undefined && { replyTo: p.replyTo }),
        ...(p.attachments && { attachments: p.attachments.map((a) => a.id) }),
      });
      settleByAck(p, ack);
    } catch (err) {
      const code = err instanceof ChatError ? err.code : 'INTERNAL';
      // Offline, a reconnect is under way and re-sends it (`retryFailed`): not a failure yet.
      p.status =
        code === 'UNAVAILABLE' && useConnectionStore().status !== 'online' ? 'waiting' : 'failed';
      p.errorCode = code;
    }
  }

  /**
   * Queues a message (with its uploaded files; a reply when `replyTo` names its parent's seq) and
   * sends it; resolves once it is acked or marked failed.
   */
  async function send(
    roomId: string,
    content: string,
    attachments: MessageAttachment[] = [],
    replyTo?: number,
  ): Promise<void> {
    const text = content.trim();
    if (!text && attachments.length === 0) return;
    if (codePointLength(text) > MAX_CONTENT_CODE_POINTS) {
      throw new ChatError('BAD_REQUEST', 'Message is too long');
    }
    // Read back through the reactive record: `??=` would hand out the raw array.
    if (!byRoom[roomId]) byRoom[roomId] = [];
    const list = byRoom[roomId];
    list.push({
      clientMsgId: newClientMsgId(),
      roomId,
      content: text,
      ...(replyTo !== undefined && { replyTo }),
      createdAt: new Date().toISOString(),
      status: 'sending',
      ...(attachments.length > 0 && { attachments }),
    });
    // The element read back from the reactive array is reactive, so status changes show.
    await deliver(list[list.length - 1]!);
  }

  function retry(roomId: string, clientMsgId: string): Promise<void> {
    const p = pendingIn(roomId).find((m) => m.clientMsgId === clientMsgId);
    return p && p.status === 'failed' ? deliver(p) : Promise.resolve();
  }

  /** After a reconnect: re-sends what waited for it, and what failed for want of a connection. */
  async function retryFailed(): Promise<void> {
    const failed = Object.values(byRoom)
      .flat()
      .filter(
        (p) =>
          p.status === 'waiting' ||
          (p.status === 'failed' && p.errorCode && TRANSIENT.includes(p.errorCode)),
      );
    for (const p of failed) await deliver(p);
  }

  /**
   * A message from the live feed that may be one sent from here. True when the outbox has dealt
   * with it: it settled its pending entry now (echo before ack), or its ack already put it in
   * view. False for anything else (others' messages, one's own from another tab), which the
   * caller hands to the timeline itself.
   */
  function claim(message: Message): boolean {
    const id = message.clientMsgId;
    if (!id) return false;
    if (echoDue.get(message.roomId)?.delete(id)) return true;
    const p = pendingIn(message.roomId).find((m) => m.clientMsgId === id);
    return p !== undefined && settle(p, message);
  }

  function discard(roomId: string, clientMsgId: string): void {
    take(roomId, clientMsgId);
  }

  function drop(roomId: string): void {
    delete byRoom[roomId];
    echoDue.delete(roomId);
  }
  useRoomsStore().onRemove(drop);

  return { byRoom, pendingIn, send, retry, retryFailed, claim, discard, drop };
});
