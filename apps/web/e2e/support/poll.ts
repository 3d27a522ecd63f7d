import { pollUntil as poll, type PollOptions } from '@chat/test-support/poll';

/**
 * The shared `pollUntil` with the browser suite's patience: pages and the servers behind them
 * take longer than a unit under test, and a read may throw while a page navigates.
 */
export const pollUntil = <T>(
  read: () => T | Promise<T>,
  predicate: (value: T) => boolean,
  options: PollOptions = {},
): Promise<T> =>
  poll(read, predicate, { timeoutMs: 15_000, intervalMs: 100, tolerateErrors: true, ...options });
