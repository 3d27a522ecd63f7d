import { ChatError } from '@chat/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  RATE_LIMIT_ATTEMPTS,
  isRetryableRead,
  rateLimitDelayMs,
  retryWhenRateLimited,
} from './rate-limit';
import { fromErrorBody } from './server-error';

/** A refusal as the gateway acks it: the wait in `retryAfterMs` (and, for people, in words). */
const limited = (seconds?: number) =>
  fromErrorBody(
    seconds === undefined
      ? { code: 'RATE_LIMITED', message: 'slow down' }
      : {
          code: 'RATE_LIMITED',
          message: `too many requests; try again in ${seconds} s`,
          retryAfterMs: seconds * 1000,
        },
  );

/** A send that fails with each of `failures` in turn, then resolves with 'done'. */
const failing = (...failures: Error[]) => {
  let calls = 0;
  const send = () => {
    const failure = failures[calls++];
    return failure ? Promise.reject(failure) : Promise.resolve('done');
  };
  return { send, calls: () => calls };
};

describe('fromErrorBody', () => {
  it("reads the gateway's wait from retryAfterMs", () => {
    expect(
      fromErrorBody({ code: 'RATE_LIMITED', message: 'too many', retryAfterMs: 3000 }),
    ).toMatchObject({ code: 'RATE_LIMITED', message: 'too many', retryAfterMs: 3000 });
    expect(fromErrorBody({ code: 'RATE_LIMITED', message: '', retryAfterMs: 1500 })).toMatchObject({
      retryAfterMs: 1500,
    });
  });

  it('names no wait without retryAfterMs or with a nonsense one, whatever the message says', () => {
    const waitOf = (retryAfterMs?: unknown) =>
      fromErrorBody({ code: 'RATE_LIMITED', message: 'try again in 3 s', retryAfterMs })
        .retryAfterMs;
    expect(waitOf()).toBeUndefined();
    expect(waitOf(0)).toBeUndefined();
    expect(waitOf(-5)).toBeUndefined();
    expect(waitOf(Number.NaN)).toBeUndefined();
    expect(waitOf('3000')).toBeUndefined();
  });
});

describe('rateLimitDelayMs', () => {
  it('waits the named seconds, capped', () => {
    expect(rateLimitDelayMs(limited(4), 1)).toBe(4000);
    expect(rateLimitDelayMs(limited(4), 3)).toBe(4000);
    expect(rateLimitDelayMs(limited(3600), 1)).toBe(30_000);
  });

  it('backs off from one second when no wait is named', () => {
    expect([1, 2, 3].map((n) => rateLimitDelayMs(limited(), n))).toEqual([1000, 2000, 4000]);
  });

  it('does not read a wait out of the message text', () => {
    const worded = new ChatError('RATE_LIMITED', 'too many requests; try again in 7 s');
    expect(rateLimitDelayMs(worded, 1)).toBe(1000);
  });
});

describe('isRetryableRead', () => {
  it('retries reads only', () => {
    expect(isRetryableRead('get_messages', { roomId: 'r' })).toBe(true);
    expect(isRetryableRead('get_users', {})).toBe(true);
    expect(isRetryableRead('register', {})).toBe(true);
    expect(isRetryableRead('join_room', { roomId: 'r' })).toBe(true);
    expect(isRetryableRead('join_room', { roomId: 'r', userId: 'bob' })).toBe(false);
    expect(isRetryableRead('send_message', { roomId: 'r', content: 'hi' })).toBe(false);
    expect(isRetryableRead('create_room', { participants: [] })).toBe(false);
    expect(isRetryableRead('mark_read', { roomId: 'r', seq: 1 })).toBe(false);
  });
});

describe('retryWhenRateLimited', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits out refusals and resolves with the answer that follows', async () => {
    const server = failing(limited(2), limited());
    const result = retryWhenRateLimited(server.send);

    await vi.runAllTimersAsync();

    await expect(result).resolves.toBe('done');
    expect(server.calls()).toBe(3);
  });

  it('does not ask again before the wait is over', async () => {
    const server = failing(limited(2));
    const result = retryWhenRateLimited(server.send);

    await vi.advanceTimersByTimeAsync(1000);
    expect(server.calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);

    await expect(result).resolves.toBe('done');
    expect(server.calls()).toBe(2);
  });

  it('gives up after the last attempt with the refusal', async () => {
    const server = failing(...Array.from({ length: RATE_LIMIT_ATTEMPTS }, () => limited(1)));
    const result = retryWhenRateLimited(server.send);
    const settled = result.catch((err: unknown) => err);

    await vi.runAllTimersAsync();

    expect(await settled).toMatchObject({ code: 'RATE_LIMITED' });
    expect(server.calls()).toBe(RATE_LIMIT_ATTEMPTS);
  });

  it('passes other failures on at once', async () => {
    const server = failing(new ChatError('FORBIDDEN', 'members only'));

    await expect(retryWhenRateLimited(server.send)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(server.calls()).toBe(1);
  });
});
