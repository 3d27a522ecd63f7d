import { backoffDelayMs, type BackoffOptions as Pacing } from '@chat/core';

/** Retry pacing of the adapters: {@link backoffDelayMs}, with a bound on attempts. */
export interface BackoffOptions extends Pacing {
  /** Attempts before giving up with an error. Default 10. */
  maxAttempts?: number;
  /** Injected by tests that must not wait. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits before retry number `attempt` (0 = the first retry). */
export function backoff(options: BackoffOptions): (attempt: number) => Promise<void> {
  const sleep = options.sleep ?? defaultSleep;
  return (attempt: number) => sleep(backoffDelayMs(attempt, options));
}
