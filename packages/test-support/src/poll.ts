import { inspect } from 'node:util';

/** How long and how often {@link pollUntil} and {@link waitFor} ask, and what they name. */
export interface PollOptions {
  /** Fails after this long (ms). */
  timeoutMs?: number;
  /** Pause between two reads (ms). */
  intervalMs?: number;
  /** What is awaited, for the error message. */
  what?: string;
  /** A read that throws counts as "not yet" instead of failing the wait. */
  tolerateErrors?: boolean;
}

const POLL_DEFAULTS = { timeoutMs: 5000, intervalMs: 20, what: 'condition', tolerateErrors: false };

/**
 * Calls `read` until `predicate` holds and returns that value; fails naming `what` and the last
 * value (or error) seen after `timeoutMs`. Use it instead of fixed sleeps when waiting for
 * something to happen.
 */
export async function pollUntil<T>(
  read: () => T | Promise<T>,
  predicate: (value: T) => boolean,
  options: PollOptions = {},
): Promise<T> {
  const { timeoutMs, intervalMs, what, tolerateErrors } = { ...POLL_DEFAULTS, ...options };
  const deadline = Date.now() + timeoutMs;
  let last: { value: T } | { error: unknown } | undefined;
  for (;;) {
    try {
      const value = await read();
      if (predicate(value)) return value;
      last = { value };
    } catch (error) {
      if (!tolerateErrors) throw error;
      last = { error };
    }
    if (Date.now() >= deadline) {
      const seen =
        last === undefined
          ? 'nothing'
          : 'value' in last
            ? `last value: ${inspect(last.value, { depth: 4 })}`
            : `last error: ${last.error instanceof Error ? last.error.message : inspect(last.error)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Waits until `check` resolves true, a throw counting as "not yet": for a server coming up.
 * Defaults to a minute and a 50 ms pause.
 */
export async function waitFor(
  check: () => Promise<boolean>,
  options: PollOptions & { what: string },
): Promise<void> {
  await pollUntil(check, Boolean, {
    timeoutMs: 60_000,
    intervalMs: 50,
    tolerateErrors: true,
    ...options,
  });
}
