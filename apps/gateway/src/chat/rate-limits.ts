import { ChatError } from '@chat/contracts';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitConfig } from '../config/config.js';

export type LimitedAction = 'message' | 'room' | 'search';

/**
 * Per-user limits. Messages allow a burst: `burst` points per `burst / perSec` seconds, i.e.
 * `perSec` on average with up to `burst` at once. A limit of 0 disables it.
 */
export class RateLimits {
  private readonly limiters: Partial<Record<LimitedAction, RateLimiterAbstract>>;

  constructor(config: RateLimitConfig) {
    this.limiters = {
      ...(config.messagesPerSec > 0 && {
        message: new RateLimiterMemory({
          points: Math.max(config.messagesBurst, config.messagesPerSec),
          duration: Math.max(1, Math.ceil(config.messagesBurst / config.messagesPerSec)),
        }),
      }),
      ...(config.roomsPerMin > 0 && {
        room: new RateLimiterMemory({ points: config.roomsPerMin, duration: 60 }),
      }),
      ...(config.searchesPerSec > 0 && {
        search: new RateLimiterMemory({ points: config.searchesPerSec, duration: 1 }),
      }),
    };
  }

  /** Takes one point for `userId`, or throws `RATE_LIMITED` with the wait. */
  async consume(action: LimitedAction, userId: string): Promise<void> {
    const limiter = this.limiters[action];
    if (!limiter) return;
    try {
      await limiter.consume(userId);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.ceil(error.msBeforeNext / 1000);
      throw new ChatError('RATE_LIMITED', `too many requests; try again in ${seconds} s`);
    }
  }
}
