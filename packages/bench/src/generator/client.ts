/** The load generators' client side: guest sign-in, one Socket.IO connection, acked events. */
import {
  CHAT_NAMESPACE,
  SOCKET_PATH,
  type Ack,
  type ClientAckData,
  type ClientEventName,
  type ClientPayloads,
} from '@chat/contracts';
import type { ClientSocket } from '@chat/test-support';
import { io } from 'socket.io-client';

export { createSession, type ClientSocket } from '@chat/test-support';

const CONNECT_TIMEOUT_MS = 20_000;

/** One WebSocket-only connection of its own (no multiplexing, no reconnection). */
export function connect(baseUrl: string, auth: Record<string, string>): Promise<ClientSocket> {
  const socket: ClientSocket = io(`${baseUrl}${CHAT_NAMESPACE}`, {
    path: SOCKET_PATH,
    auth,
    transports: ['websocket'],
    reconnection: false,
    // One WebSocket per client: without it io() multiplexes sockets of one URL.
    forceNew: true,
    timeout: CONNECT_TIMEOUT_MS,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.disconnect();
      reject(error);
    });
  });
}

/** Emits a chat event and resolves with its ack data; rejects on an error ack or timeout. */
export function request<E extends ClientEventName>(
  socket: ClientSocket | undefined,
  event: E,
  payload: ClientPayloads[E],
  timeoutMs = 15_000,
): Promise<ClientAckData[E]> {
  return new Promise((resolve, reject) => {
    if (!socket) return reject(new Error(`${event}: not connected`));
    const timer = setTimeout(() => reject(new Error(`${event}: no ack`)), timeoutMs);
    // The typed emit cannot take a generic event name; the payload and ack types match `E`.
    (socket as unknown as { emit: (...args: unknown[]) => void }).emit(
      event,
      payload,
      (res: Ack<ClientAckData[E]>) => {
        clearTimeout(timer);
        if (res.ok) resolve(res.data);
        else reject(new Error(`${event}: ${res.error.code} ${res.error.message}`));
      },
    );
  });
}
