import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.js';

describe('backoffDelayMs', () => {
  const many = (attempt: number, options = {}) =>
    Array.from({ length: 200 }, () => backoffDelayMs(attempt, options));

  it('doubles its ceiling per attempt and never waits less than half of it', () => {
    for (const [attempt, ceiling] of [
      [0, 100],
      [1, 200],
      [3, 800],
    ] as const) {
      for (const delay of many(attempt, { baseDelayMs: 100, maxDelayMs: 10_000 })) {
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('stops growing at the longest delay', () => {
    for (const delay of many(40, { baseDelayMs: 100, maxDelayMs: 1000 })) {
      expect(delay).toBeGreaterThanOrEqual(500);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });

  it('spreads the retries of processes that failed together', () => {
    expect(new Set(many(4)).size).toBeGreaterThan(100);
  });
});
