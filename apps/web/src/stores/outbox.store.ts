import {
  ChatError,
  MAX_CONTENT_CODE_POINTS,
  codePointLength,
  type ErrorCode,
  type Message,
  type SendMessageAck,
} from '@chat/contracts';
import { defineStore } from 'pinia';
import { reactive } from 'vue';
import { newClientMsgId } from '../services/ids';
import { useAuthStore } from './auth.store';
import { useConnectionStore } from './connection.store';
import { useMessagesStore } from './messages.store';
import { useRoomsStore } from './rooms.store';

/** A message shown before the server has acked it. */
export interface PendingMessage {
  clientMsgId: string;
  roomId: string;
  content: string;
  createdAt: string;
  status: 'sending' | 'failed';
  errorCode?: ErrorCode;
}

/** Failures that may pass on their own; such messages are re-sent when the connection returns. */
const TRANSIENT: readonly ErrorCode[] = ['UNAVAILABLE', 'INTERNAL', 'RATE_LIMITED'];

/**
 * Optimistic sending. Each message gets a `clientMsgId` once; every retry reuses it, so the
 * server stores it at most once however often it is sent.
 */
export const useOutboxStore = defineStore('outbox', () => {
  const byRoom = reactive<Record<string, PendingMessage[]>>({});

  const pendingIn = (roomId: string): PendingMessage[] => byRoom[roomId] ?? [];

  function take(roomId: string, clientMsgId: string): PendingMessage | undefined {
    const list = byRoom[roomId];
    const index = list?.findIndex((p) => p.clientMsgId === clientMsgId) ?? -1;
    return index >= 0 ? list?.splice(index, 1)[0] : undefined;
  }

  function settle(p: PendingMessage, ack: SendMessageAck): void {
    take(p.roomId, p.clientMsgId);
    const message: Message = {
      id: ack.id,
      roomId: p.roomId,
      seq: ack.seq,
      userId: useAuthStore().userId ?? '',
      content: p.content,
      createdAt: ack.createdAt,
      clientMsgId: p.clientMsgId,
      kind: 'user',
    };
    useMessagesStore().receive(message);
    // The server moves the sender's read pointer to the sent message.
    useRoomsStore().clearUnread(p.roomId);
  }

  async function deliver(p: PendingMessage): Promise<void> {
    p.status = 'sending';
    delete p.errorCode;
    try {
      const ack = await useConnectionStore().request('send_message', {
        roomId: p.roomId,
        content: p.content,
        clientMsgId: p.clientMsgId,
      });
      settle(p, ack);
    } catch (err) {
      p.status = 'failed';
      p.errorCode = err instanceof ChatError ? err.code : 'INTERNAL';
    }
  }

  /** Queues a message and sends it; resolves once it is acked or marked failed. */
  async function send(roomId: string, content: string): Promise<void> {
    const text = content.trim();
    if (!text) return;
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
      createdAt: new Date().toISOString(),
      status: 'sending',
    });
    // The element read back from the reactive array is reactive, so status changes show.
    await deliver(list[list.length - 1]!);
  }

  function retry(roomId: string, clientMsgId: string): Promise<void> {
    const p = pendingIn(roomId).find((m) => m.clientMsgId === clientMsgId);
    return p && p.status === 'failed' ? deliver(p) : Promise.resolve();
  }

  /** After a reconnect: re-sends what failed for want of a connection. */
  async function retryFailed(): Promise<void> {
    const failed = Object.values(byRoom)
      .flat()
      .filter((p) => p.status === 'failed' && p.errorCode && TRANSIENT.includes(p.errorCode));
    for (const p of failed) await deliver(p);
  }

  /** The server's copy arrived (echo or another tab): the optimistic one is done. */
  function confirm(message: Message): void {
    if (message.clientMsgId) take(message.roomId, message.clientMsgId);
  }

  function discard(roomId: string, clientMsgId: string): void {
    take(roomId, clientMsgId);
  }

  function drop(roomId: string): void {
    delete byRoom[roomId];
  }
  useRoomsStore().onRemove(drop);

  return { byRoom, pendingIn, send, retry, retryFailed, confirm, discard, drop };
});
