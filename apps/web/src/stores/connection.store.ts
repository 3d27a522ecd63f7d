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

export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'offline';

/**
 * What the app does with each transport, handed over once at start by `wireChat` (`wiring.ts`),
 * so this store never imports the stores that depend on it.
 */
export interface ConnectionWiring {
  /** Routes the server events of a new transport to the stores. */
  bind(transport: ChatTransport): void;
  /** Brings the stores up to date after every (re)connect. */
  synchronise(): Promise<void>;
}

/** Owns the transport: starts it for a token, tracks its state, and re-syncs on every connect. */
export const useConnectionStore = defineStore('connection', () => {
  const status = ref<ConnectionStatus>('idle');
  /** True once the first connect of this session has been synchronised. */
  const ready = ref(false);
  const lastError = ref<string | null>(null);
  const transport = shallowRef<ChatTransport | null>(null);
  let factory: TransportFactory = createSocketTransport;
  let wiring: ConnectionWiring | undefined;

  /** Replaces the Socket.IO transport, e.g. with a fake in unit tests. */
  function useTransportFactory(next: TransportFactory): void {
    factory = next;
  }

  /** Gives the store what to do with each transport; called once, before the first `start`. */
  function wire(next: ConnectionWiring): void {
    wiring = next;
  }

  async function onConnect(current: ChatTransport, wired: ConnectionWiring): Promise<void> {
    status.value = 'online';
    lastError.value = null;
    try {
      await wired.synchronise();
      if (transport.value === current) ready.value = true;
    } catch (err) {
      lastError.value = err instanceof Error ? err.message : String(err);
    }
  }

  function start(token: string): void {
    const wired = wiring;
    if (!wired) throw new Error('The connection is not wired to the stores: call wireChat() first');
    stop();
    status.value = 'connecting';
    const url = getRuntimeConfig().gatewayUrl;
    const created: ChatTransport = factory(
      { url, token },
      {
        onConnect: () => void onConnect(created, wired),
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
    wired.bind(created);
    // The server's live feed was interrupted while this socket stayed up: catch up as after a
    // reconnect, since messages sent meanwhile never reached this connection.
    created.on('resync', () => {
      if (transport.value === created && status.value === 'online') void onConnect(created, wired);
    });
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

  return {
    status,
    ready,
    lastError,
    transport,
    useTransportFactory,
    wire,
    start,
    stop,
    request,
  };
});
