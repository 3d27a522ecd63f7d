import {
  ChatError,
  CLIENT_EVENT_SCHEMAS,
  RateLimitedError,
  type Ack,
  type ExceptionEvent,
} from '@chat/contracts';
import type { Socket } from 'socket.io';
import type { SocketLimitConfig } from '../config/config.js';
import { clientIp } from '../http/client-ip.js';

/**
 * A token bucket: holds up to `capacity` tokens, refilled at `perSec`. Synchronous, so the
 * events of one socket keep their order.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perSec: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  /** Takes a token: 0 when taken, else the ms until one is there. */
  take(): number {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSec);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.perSec) * 1000);
  }
}

/** What a socket's guard keeps: its frame budget and its budget of malformed events. */
interface SocketBudgets {
  frames?: TokenBucket;
  bad?: TokenBucket;
}

const KNOWN_EVENTS = new Set(Object.keys(CLIENT_EVENT_SCHEMAS));

/**
 * Bounds what one client can make this replica hold and do, before any handler runs:
 * - connections per user and per client IP (`admit`, at the handshake);
 * - every incoming event, valid or not, known or not, takes a token of its socket's frame
 *   budget; over it the event is answered `RATE_LIMITED` (or dropped when it has no ack);
 * - malformed or unknown events take a token of a small second budget; a socket that empties
 *   it is told why (`exception`) and disconnected.
 * These are per replica: the per-user limits shared through Redis (`RateLimits`) still apply
 * to valid events on top.
 */
export class SocketGuard {
  private readonly perUser = new Map<string, number>();
  private readonly perIp = new Map<string, number>();
  private readonly budgets = new WeakMap<Socket, SocketBudgets>();

  constructor(private readonly config: SocketLimitConfig) {}

  /**
   * Counts the socket in until its connection closes, or throws `RATE_LIMITED` when its user
   * or IP is at the cap. Returns the release, for a handshake that fails after this.
   */
  admit(socket: Socket, userId: string): () => void {
    const ip = this.ipOf(socket);
    const { socketsPerUser, socketsPerIp } = this.config;
    if (socketsPerUser > 0 && (this.perUser.get(userId) ?? 0) >= socketsPerUser) {
      throw new ChatError(
        'RATE_LIMITED',
        `too many connections for this user (at most ${socketsPerUser}); close one first`,
      );
    }
    if (socketsPerIp > 0 && (this.perIp.get(ip) ?? 0) >= socketsPerIp) {
      throw new ChatError(
        'RATE_LIMITED',
        `too many connections from this address (at most ${socketsPerIp})`,
      );
    }
    increment(this.perUser, userId, 1);
    increment(this.perIp, ip, 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      increment(this.perUser, userId, -1);
      increment(this.perIp, ip, -1);
    };
    // The transport's close, not the socket's disconnect: it comes however the socket ended,
    // even when it never finished connecting.
    socket.conn.once('close', release);
    return release;
  }

  /** Puts every incoming event of the socket through its budgets. */
  watch(socket: Socket): void {
    const { eventsPerSec, eventsBurst, badEventsPerMin } = this.config;
    const budgets: SocketBudgets = {
      ...(eventsPerSec > 0 && { frames: new TokenBucket(eventsBurst, eventsPerSec) }),
      ...(badEventsPerMin > 0 && { bad: new TokenBucket(badEventsPerMin, badEventsPerMin / 60) }),
    };
    this.budgets.set(socket, budgets);
    socket.use((packet, next) => {
      const [event] = packet;
      const wait = budgets.frames?.take() ?? 0;
      if (wait > 0) {
        const ack: unknown = packet.at(-1);
        const error = new RateLimitedError(wait, 'events on this connection');
        if (typeof ack === 'function') {
          (ack as (res: Ack<never>) => void)({
            ok: false,
            error: { code: error.code, message: error.message, retryAfterMs: wait },
          });
        }
        return;
      }
      if (typeof event !== 'string' || !KNOWN_EVENTS.has(event)) {
        this.malformed(socket, String(event));
        return;
      }
      next();
    });
  }

  /** Counts a malformed event (unknown, or refused by its schema) against the socket. */
  malformed(socket: Socket, event: string): void {
    const bad = this.budgets.get(socket)?.bad;
    if (!bad || bad.take() === 0 || socket.disconnected) return;
    const notice: ExceptionEvent = {
      event,
      code: 'BAD_REQUEST',
      message: 'too many malformed events; this connection is closed',
    };
    socket.emit('exception', notice);
    socket.disconnect(true);
  }

  private ipOf(socket: Socket): string {
    return clientIp(
      socket.handshake.address,
      socket.handshake.headers['x-forwarded-for'],
      this.config.trustedProxyHops,
    );
  }
}

const increment = (counts: Map<string, number>, key: string, by: number): void => {
  const next = (counts.get(key) ?? 0) + by;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
};
