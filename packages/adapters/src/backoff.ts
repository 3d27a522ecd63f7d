/** Retry pacing shared by the adapters: exponential backoff with full jitter. */
export interface BackoffOptions {
  /** First retry delay; doubles per attempt. Default 50 ms. */
  baseDelayMs?: number;
  /** Longest delay between attempts. Default 5 s. */
  maxDelayMs?: number;
  /** Attempts before giving up with an error. Default 10. */
  maxAttempts?: number;
  /** Injected by tests that must not wait. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits before retry number `attempt` (0 = first retry): random in [0, min(max, base·2^n)]. */
export function backoff(options: BackoffOptions): (attempt: number) => Promise<void> {
  const base = options.baseDelayMs ?? 50;
  const max = options.maxDelayMs ?? 5000;
  const sleep = options.sleep ?? defaultSleep;
  return (attempt: number) => sleep(Math.random() * Math.min(max, base * 2 ** attempt));
}
