import {
  ChatError,
  type ClientAckData,
  type ClientEventName,
  type ClientPayloads,
  type ServerToClientEvents,
} from '@chat/contracts';
import { fromErrorBody } from '../services/server-error';
import type {
  ChatTransport,
  ServerEventName,
  TransportLifecycle,
  TransportOptions,
} from '../services/transport';

type Handler<E extends ClientEventName> = (
  payload: ClientPayloads[E],
) => ClientAckData[E] | Promise<ClientAckData[E]>;
type Handlers = { [E in ClientEventName]?: Handler<E> };
type AnyListener = (payload: never) => void;

interface RateBudget {
  events: ReadonlySet<ClientEventName>;
  points: number;
  windowMs: number;
  start: number;
  used: number;
}

/**
 * Stands in for the Socket.IO transport in unit tests: requests go to handlers the test (or
 * `FakeChatServer`) registers, and the test pushes server events and connection changes.
 */
export class FakeTransport implements ChatTransport {
  connected = false;
  closed = false;
  readonly sent: { event: ClientEventName; payload: unknown }[] = [];
  private readonly handlers: Handlers = {};
  private readonly listeners = new Map<ServerEventName, AnyListener[]>();
  private budget: RateBudget | undefined;

  constructor(
    readonly options: TransportOptions,
    private readonly lifecycle: TransportLifecycle,
  ) {}

  handle<E extends ClientEventName>(event: E, handler: Handler<E>): void {
    (this.handlers as Record<E, Handler<E>>)[event] = handler;
  }

  async request<E extends ClientEventName>(
    event: E,
    payload: ClientPayloads[E],
  ): Promise<ClientAckData[E]> {
    this.sent.push({ event, payload });
    if (!this.connected) throw new ChatError('UNAVAILABLE', 'Not connected');
    this.takePoint(event);
    const handler = (this.handlers as Record<E, Handler<E> | undefined>)[event];
    if (!handler) throw new ChatError('INTERNAL', `No fake handler for ${event}`);
    return handler(payload);
  }

  /**
   * Limits `events` to a shared budget of `points` per fixed window of `windowMs`, answering
   * `RATE_LIMITED` with the wait in `retryAfterMs` (and in the message) like the gateway does. Windows follow `Date.now()`, so fake
   * timers move them.
   */
  rateLimit(events: readonly ClientEventName[], points: number, windowMs: number): void {
    this.budget = { events: new Set(events), points, windowMs, start: 0, used: 0 };
  }

  private takePoint(event: ClientEventName): void {
    const budget = this.budget;
    if (!budget?.events.has(event)) return;
    const now = Date.now();
    if (now - budget.start >= budget.windowMs) {
      budget.start = now;
      budget.used = 0;
    }
    if (budget.used < budget.points) {
      budget.used++;
      return;
    }
    const retryAfterMs = budget.start + budget.windowMs - now;
    throw fromErrorBody({
      code: 'RATE_LIMITED',
      message: `too many requests; try again in ${Math.ceil(retryAfterMs / 1000)} s`,
      retryAfterMs,
    });
  }

  on<E extends ServerEventName>(event: E, listener: ServerToClientEvents[E]): void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
  }

  /** Delivers a server event to the app. */
  emit<E extends ServerEventName>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    for (const listener of this.listeners.get(event) ?? []) {
      // Listeners are stored by event name; the one for `event` takes that event's payload.
      (listener as unknown as (...a: Parameters<ServerToClientEvents[E]>) => void)(...args);
    }
  }

  requestsOf<E extends ClientEventName>(event: E): ClientPayloads[E][] {
    return this.sent.filter((s) => s.event === event).map((s) => s.payload as ClientPayloads[E]);
  }

  connect(): void {
    this.connected = true;
    this.lifecycle.onConnect();
  }

  drop(reason = 'transport close'): void {
    this.connected = false;
    this.lifecycle.onDisconnect(reason);
  }

  refuse(message = 'invalid token'): void {
    this.connected = false;
    this.lifecycle.onUnauthorized(message);
  }

  close(): void {
    this.closed = true;
    this.connected = false;
  }
}
