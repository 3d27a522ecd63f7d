import { ChatError, type ClientEventName, type ClientPayloads } from '@chat/contracts';

/** Tries in all (the first one included) before a `RATE_LIMITED` answer is given up on. */
export const RATE_LIMIT_ATTEMPTS = 5;
/** The first wait when the answer names none; it doubles with every further refusal. */
export const RATE_LIMIT_BASE_DELAY_MS = 1_000;
/** No single wait is longer than this, whatever the answer names. */
export const RATE_LIMIT_MAX_DELAY_MS = 30_000;

/**
 * Events that change nothing on the server (or nothing more when repeated), so asking again after
 * a refusal is safe. `join_room` counts only when joining oneself; with `userId` it is an invite.
 * `send_message` (which has its own retry UI), message changes, `create_room` and membership
 * changes are never retried here; neither are `typing` (stale a moment later) and `search` (superseded by typing).
 */
export function isRetryableRead<E extends ClientEventName>(
  event: E,
  payload: ClientPayloads[E],
): boolean {
  switch (event) {
    case 'register':
    case 'get_users':
    case 'get_messages':
    case 'get_thread':
      return true;
    case 'join_room':
      return (payload as ClientPayloads['join_room']).userId === undefined;
    // mark_read is coalesced by the reads store, whose next attempt follows a failure.
    case 'mark_read':
    case 'send_message':
    case 'create_room':
    case 'invite':
    case 'leave_room':
    case 'delete_room':
    case 'update_room':
    case 'remove_member':
    case 'mute_room':
    case 'typing':
    case 'search':
    case 'edit_message':
    case 'delete_message':
    case 'react':
    case 'open_direct':
    case 'set_profile':
      return false;
  }
}

const isRateLimited = (err: unknown): err is ChatError =>
  err instanceof ChatError && err.code === 'RATE_LIMITED';

/**
 * How long to wait after the `attempt`-th refusal (1-based): the server's `retryAfterMs`, else a
 * backoff. The message text is never read for a wait.
 */
export function rateLimitDelayMs(err: ChatError, attempt: number): number {
  const named = err instanceof ChatError ? err.retryAfterMs : undefined;
  const wait = named ?? RATE_LIMIT_BASE_DELAY_MS * 2 ** (attempt - 1);
  return Math.min(wait, RATE_LIMIT_MAX_DELAY_MS);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `send`, and while it fails with `RATE_LIMITED` waits and runs it again, up to
 * `RATE_LIMIT_ATTEMPTS` tries. Any other failure, or the last refusal, is passed on unchanged.
 */
export async function retryWhenRateLimited<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (!isRateLimited(err) || attempt >= RATE_LIMIT_ATTEMPTS) throw err;
      await sleep(rateLimitDelayMs(err, attempt));
    }
  }
}
