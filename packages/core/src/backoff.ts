/** How retries are paced: exponential backoff with jitter, the same for every retry loop. */
export interface BackoffOptions {
  /** The first retry's delay; it doubles with each attempt. Default 50 ms. */
  baseDelayMs?: number;
  /** The longest delay between two attempts. Default 5 s. */
  maxDelayMs?: number;
}

/**
 * The delay before retry number `attempt` (0 = the first retry): a random value between half
 * and all of `min(max, base·2^attempt)`. The random half keeps many processes that failed
 * together from retrying in lock step; the fixed half keeps a retry from coming at once.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseDelayMs ?? 50;
  const max = options.maxDelayMs ?? 5000;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
