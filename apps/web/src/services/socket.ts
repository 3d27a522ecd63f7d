import {
  CHAT_NAMESPACE,
  ChatError,
  SOCKET_PATH,
  type Ack,
  type ClientAckData,
  type ClientEventName,
  type ClientPayloads,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@chat/contracts';
import { io, type Socket } from 'socket.io-client';
import { fromErrorBody } from './server-error';
import type { ChatTransport, TransportFactory, TransportLifecycle } from './transport';

/** The one Socket.IO connection of the app; nothing else calls `io()`. */
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long a request waits for its ack before it fails with `UNAVAILABLE`. */
export const REQUEST_TIMEOUT_MS = 10_000;
const RETRY_AFTER_REFUSAL_MS = 3_000;

// emitWithAck's inferred types cannot follow a generic event name; `request` restores them.
type UntypedEmitter = { emitWithAck(event: string, payload: unknown): Promise<unknown> };

const isAck = (value: unknown): value is Ack<unknown> =>
  typeof value === 'object' && value !== null && 'ok' in value;

const errorCodeOf = (err: Error): unknown =>
  (err as Error & { data?: { code?: unknown } }).data?.code;

/**
 * Sends one event and unwraps its ack: the data, or a thrown `ChatError` with the ack's code
 * (and `retryAfterMs` when the server names a wait).
 */
export const requestOver = async <E extends ClientEventName>(
  socket: ClientSocket,
  event: E,
  payload: ClientPayloads[E],
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<ClientAckData[E]> => {
  // Socket.IO would buffer the packet until reconnect; fail fast and let callers retry.
  if (!socket.connected) throw new ChatError('UNAVAILABLE', 'Not connected');
  let res: unknown;
  try {
    const emitter = socket.timeout(timeoutMs) as unknown as UntypedEmitter;
    res = await emitter.emitWithAck(event, payload);
  } catch {
    throw new ChatError('UNAVAILABLE', `No answer to ${event}`);
  }
  if (!isAck(res)) throw new ChatError('INTERNAL', `Malformed ack for ${event}`);
  if (res.ok) return res.data as ClientAckData[E];
  throw fromErrorBody(res.error);
};

const watchLifecycle = (socket: ClientSocket, lifecycle: TransportLifecycle): (() => void) => {
  let retry: ReturnType<typeof setTimeout> | undefined;
  socket.on('connect', () => lifecycle.onConnect());
  socket.on('disconnect', (reason) => {
    lifecycle.onDisconnect(reason);
    // A server-side disconnect is not retried by Socket.IO itself.
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (err) => {
    if (errorCodeOf(err) === 'UNAUTHORIZED') {
      socket.disconnect();
      lifecycle.onUnauthorized(err.message);
      return;
    }
    lifecycle.onConnectError(err.message);
    // A refusal by server middleware is final for Socket.IO; transport errors retry by themselves.
    if (!socket.active) retry = setTimeout(() => socket.connect(), RETRY_AFTER_REFUSAL_MS);
  });
  return () => clearTimeout(retry);
};

export const createSocketTransport: TransportFactory = ({ url, token }, lifecycle) => {
  const socket: ClientSocket = io(new URL(CHAT_NAMESPACE, url).href, {
    path: SOCKET_PATH,
    auth: { token },
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 8_000,
  });
  const stopWatching = watchLifecycle(socket, lifecycle);
  const transport: ChatTransport = {
    request: (event, payload) => requestOver(socket, event, payload),
    on: (event, listener) => {
      socket.on(event, listener as never);
    },
    get connected() {
      return socket.connected;
    },
    close: () => {
      stopWatching();
      socket.disconnect();
    },
  };
  return transport;
};
