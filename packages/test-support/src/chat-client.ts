import {
  CHAT_NAMESPACE,
  SOCKET_PATH,
  type Ack,
  type ClientAckData,
  type ClientEventName,
  type ClientPayloads,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SessionResponse,
} from '@chat/contracts';
import { io, type Socket } from 'socket.io-client';
import { pollUntil } from './poll.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type ServerEventName = keyof ServerToClientEvents;
type ServerPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

/** Signs a guest in over REST. */
export async function createSession(baseUrl: string, name: string): Promise<SessionResponse> {
  const res = await fetch(`${baseUrl}/chat/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`session for ${name}: ${res.status} ${await res.text()}`);
  return (await res.json()) as SessionResponse;
}

/**
 * A raw WebSocket-only socket to the chat namespace, without reconnection, once connected;
 * rejects with the `connect_error` (its `data.code` says why) and closes the socket.
 */
export async function openSocket(
  baseUrl: string,
  token: string,
  options: { sticky?: string } = {},
): Promise<ClientSocket> {
  const socket: ClientSocket = io(`${baseUrl}${CHAT_NAMESPACE}`, {
    path: SOCKET_PATH,
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(options.sticky ? { extraHeaders: { 'x-sticky': options.sticky } } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
  return socket;
}

/**
 * A connected test user: a real socket.io-client socket that records every server event it
 * receives, so tests can assert what arrived (and what did not).
 */
export class ChatClient {
  readonly received: { event: ServerEventName; payload: unknown }[] = [];

  private constructor(
    readonly userId: string,
    readonly token: string,
    readonly socket: ClientSocket,
  ) {
    socket.onAny((event: ServerEventName, payload: unknown) => {
      this.received.push({ event, payload });
    });
  }

  /**
   * Signs `name` in (unless a token is given) and connects. `sticky` is sent as `X-Sticky`, the
   * key a load balancer hashes to pick a replica.
   */
  static async connect(
    baseUrl: string,
    name: string,
    token?: string,
    options: { sticky?: string } = {},
  ): Promise<ChatClient> {
    const session = token ? undefined : await createSession(baseUrl, name);
    const auth = token ?? session?.token ?? '';
    const socket = await openSocket(baseUrl, auth, options);
    return new ChatClient(session?.user.id ?? name, auth, socket);
  }

  /** Emits an event and resolves with its ack. */
  request<E extends ClientEventName>(
    event: E,
    payload: ClientPayloads[E],
  ): Promise<Ack<ClientAckData[E]>> {
    // The typed overloads cannot be resolved for a generic event name; the wire is the same.
    const socket = this.socket.timeout(10_000) as unknown as {
      emitWithAck(event: E, payload: ClientPayloads[E]): Promise<Ack<ClientAckData[E]>>;
    };
    return socket.emitWithAck(event, payload);
  }

  /** Emits and returns the ack data, failing the test on an error ack. */
  async ok<E extends ClientEventName>(
    event: E,
    payload: ClientPayloads[E],
  ): Promise<ClientAckData[E]> {
    const res = await this.request(event, payload);
    if (!res.ok) throw new Error(`${event} failed: ${res.error.code} ${res.error.message}`);
    return res.data;
  }

  /** Payloads of `event` received so far, optionally filtered. */
  events<E extends ServerEventName>(
    event: E,
    where: (p: ServerPayload<E>) => boolean = () => true,
  ) {
    return this.received
      .filter((r) => r.event === event)
      .map((r) => r.payload as ServerPayload<E>)
      .filter(where);
  }

  /** Waits for the first `event` matching `where`. */
  async waitFor<E extends ServerEventName>(
    event: E,
    where: (p: ServerPayload<E>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<ServerPayload<E>> {
    const found = await pollUntil(
      () => this.events(event, where),
      (list) => list.length > 0,
      { timeoutMs, what: event },
    );
    return found[0] as ServerPayload<E>;
  }

  close(): void {
    this.socket.disconnect();
  }
}
