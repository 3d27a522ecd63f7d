import {
  ChatError,
  type ClientAckData,
  type ClientEventName,
  type ClientPayloads,
} from '@chat/contracts';
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { isRetryableRead, retryWhenRateLimited } from '../services/rate-limit';
import { getRuntimeConfig } from '../services/runtime-config';
import { createSocketTransport } from '../services/socket';
import type { ChatTransport, TransportFactory } from '../services/transport';
import { useAuthStore } from './auth.store';
import { bindServerEvents } from './chat-events';
import { synchronise } from './sync';

export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'offline';

/** Owns the transport: starts it for a token, tracks its state, and re-syncs on every connect. */
export const useConnectionStore = defineStore('connection', () => {
  const status = ref<ConnectionStatus>('idle');
  /** True once the first connect of this session has been synchronised. */
  const ready = ref(false);
  const lastError = ref<string | null>(null);
  const transport = shallowRef<ChatTransport | null>(null);
  let factory: TransportFactory = createSocketTransport;

  /** Replaces the Socket.IO transport, e.g. with a fake in unit tests. */
  function useTransportFactory(next: TransportFactory): void {
    factory = next;
  }

  async function onConnect(current: ChatTransport): Promise<void> {
    status.value = 'online';
    lastError.value = null;
    try {
      await synchronise();
      if (transport.value === current) ready.value = true;
    } catch (err) {
      lastError.value = err instanceof Error ? err.message : String(err);
    }
  }

  function start(token: string): void {
    stop();
    status.value = 'connecting';
    const url = getRuntimeConfig().gatewayUrl;
    const created: ChatTransport = factory(
      { url, token },
      {
        onConnect: () => void onConnect(created),
        onDisconnect: () => {
          if (transport.value === created) status.value = 'offline';
        },
        onUnauthorized: (message) => {
          stop();
          useAuthStore().signOut('unauthorized', message);
        },
        onConnectError: (message) => {
          status.value = ready.value ? 'offline' : 'connecting';
          lastError.value = message;
        },
      },
    );
    transport.value = created;
    bindServerEvents(created);
  }

  function stop(): void {
    transport.value?.close();
    transport.value = null;
    status.value = 'idle';
    ready.value = false;
  }

  /**
   * A client event with its ack; rejects with `ChatError` (`UNAVAILABLE` when offline). Reads
   * refused with `RATE_LIMITED` are asked again after the ack's `retryAfterMs` (a few times);
   * other events, e.g. `send_message`, fail at once and leave retrying to their caller.
   */
  function request<E extends ClientEventName>(
    event: E,
    payload: ClientPayloads[E],
  ): Promise<ClientAckData[E]> {
    const current = transport.value;
    if (!current) return Promise.reject(new ChatError('UNAVAILABLE', 'Not connected'));
    if (!isRetryableRead(event, payload)) return current.request(event, payload);
    return retryWhenRateLimited(() => {
      // Stopped or restarted (e.g. signed out) while waiting: this answer is no longer wanted.
      if (transport.value !== current) throw new ChatError('UNAVAILABLE', 'Not connected');
      return current.request(event, payload);
    });
  }

  return { status, ready, lastError, transport, useTransportFactory, start, stop, request };
});
