import type {
  ClientAckData,
  ClientEventName,
  ClientPayloads,
  ServerToClientEvents,
} from '@chat/contracts';

export type ServerEventName = keyof ServerToClientEvents;

/** Connection state changes the transport reports to its owner. */
export interface TransportLifecycle {
  /** Connected (first time or again); subscriptions must be re-synchronised. */
  onConnect(): void;
  onDisconnect(reason: string): void;
  /** The server refused the token; the transport stops reconnecting. */
  onUnauthorized(message: string): void;
  /** A connection attempt failed; the transport keeps retrying. */
  onConnectError(message: string): void;
}

/**
 * What the stores need from the chat connection. The Socket.IO implementation lives in
 * `socket.ts`; unit tests substitute a fake with the same shape.
 */
export interface ChatTransport {
  /** Emits a client event and resolves with its ack data; rejects with a `ChatError`. */
  request<E extends ClientEventName>(
    event: E,
    payload: ClientPayloads[E],
  ): Promise<ClientAckData[E]>;
  on<E extends ServerEventName>(event: E, listener: ServerToClientEvents[E]): void;
  readonly connected: boolean;
  close(): void;
}

export interface TransportOptions {
  url: string;
  token: string;
}

export type TransportFactory = (
  options: TransportOptions,
  lifecycle: TransportLifecycle,
) => ChatTransport;
