import { RateLimitedError } from '@chat/contracts';
import type { Cluster, Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type IRateLimiterOptions,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { RateLimitConfig } from '../config/config.js';

/**
 * What a point is taken for: `message` (send_message), `room` (create_room), `search` (socket
 * and REST), `typing`, and `event` — the shared budget of every other client event and REST
 * read (reads, membership changes, read pointers, mutes, register) — all per user; `session`
 * (every sign-in and sign-up) and `signin-ip` (failed password sign-ins), per client IP;
 * `signin-account` (failed password sign-ins), per account name; and `upload` counts bytes,
 * per user.
 */
export type LimitedAction =
  | 'message'
  | 'room'
  | 'search'
  | 'typing'
  | 'event'
  | 'session'
  | 'signin-ip'
  | 'signin-account'
  | 'upload';

/** The window failed sign-ins are counted over. */
const SIGNIN_WINDOW_SEC = 15 * 60;

/** `burst` points per `burst / perSec` seconds: `perSec` on average, up to `burst` at once. */
const withBurst = (perSec: number, burst: number): IRateLimiterOptions => ({
  points: Math.max(burst, perSec),
  duration: Math.max(1, Math.ceil(burst / perSec)),
});

/**
 * Per-user limits, each with its own budget. Messages and the general event budget allow a
 * burst (see `withBurst`). A limit of 0 disables it. With Redis the counters are shared by every
 * replica, so a user cannot multiply a limit by reconnecting.
 */
export class RateLimits {
  private readonly limiters: Partial<Record<LimitedAction, RateLimiterAbstract>>;

  /** `redisKeyPrefix`: the deployment's `REDIS_KEY_PREFIX`; counters live at `<prefix>:rl:…`. */
  constructor(config: RateLimitConfig, redis?: Redis | Cluster, redisKeyPrefix = 'chat') {
    const limiter = (action: LimitedAction, options: IRateLimiterOptions) =>
      redis
        ? new RateLimiterRedis({
            ...options,
            storeClient: redis,
            keyPrefix: `${redisKeyPrefix}:rl:${action}`,
          })
        : new RateLimiterMemory(options);
    this.limiters = {
      ...(config.messagesPerSec > 0 && {
        message: limiter('message', withBurst(config.messagesPerSec, config.messagesBurst)),
      }),
      ...(config.roomsPerMin > 0 && {
        room: limiter('room', { points: config.roomsPerMin, duration: 60 }),
      }),
      ...(config.searchesPerSec > 0 && {
        search: limiter('search', { points: config.searchesPerSec, duration: 1 }),
      }),
      ...(config.typingPerSec > 0 && {
        typing: limiter('typing', { points: config.typingPerSec, duration: 1 }),
      }),
      ...(config.eventsPerSec > 0 && {
        event: limiter('event', withBurst(config.eventsPerSec, config.eventsBurst)),
      }),
      ...(config.sessionsPerMin > 0 && {
        session: limiter('session', { points: config.sessionsPerMin, duration: 60 }),
      }),
      ...(config.uploadBytesPerMin > 0 && {
        upload: limiter('upload', { points: config.uploadBytesPerMin, duration: 60 }),
      }),
      ...(config.signinFailuresPerIp > 0 && {
        'signin-ip': limiter('signin-ip', {
          points: config.signinFailuresPerIp,
          duration: SIGNIN_WINDOW_SEC,
        }),
      }),
      ...(config.signinFailuresPerAccount > 0 && {
        'signin-account': limiter('signin-account', {
          points: config.signinFailuresPerAccount,
          duration: SIGNIN_WINDOW_SEC,
        }),
      }),
    };
  }

  /**
   * Throws `RATE_LIMITED` when `key` has spent the whole budget, without taking a point: for
   * limits on failures, counted by `consume` only once an attempt has failed.
   */
  async ensureLeft(action: LimitedAction, key: string): Promise<void> {
    const limiter = this.limiters[action];
    const spent = limiter && (await limiter.get(key));
    if (spent && spent.consumedPoints >= limiter.points) {
      throw new RateLimitedError(spent.msBeforeNext, 'failed sign-ins');
    }
  }

  /** Forgets what `key` has spent (a successful sign-in clears the account's failures). */
  async reset(action: LimitedAction, key: string): Promise<void> {
    await this.limiters[action]?.delete(key);
  }

  /**
   * Takes `points` for `key` (a user id; a client IP for `session`), never more than the
   * limit's whole budget, so a costly request still runs alone in a window; or throws
   * `RATE_LIMITED` with the wait.
   */
  async consume(action: LimitedAction, key: string, points = 1): Promise<void> {
    const limiter = this.limiters[action];
    if (!limiter) return;
    try {
      await limiter.consume(key, Math.min(points, limiter.points));
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      throw new RateLimitedError(error.msBeforeNext);
    }
  }
}
