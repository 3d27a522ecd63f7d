import { ChatError, isErrorCode } from '@chat/contracts';

/** The wait an error body names, if it names a usable one. */
export const retryAfterMsOf = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;

/**
 * An error body off the wire (`{ code, message, retryAfterMs? }`) as the `ChatError` the stores
 * see; an unknown code is `INTERNAL`. The stores read a wait from `retryAfterMs`, never from the
 * message, which is for people and may change.
 */
export const fromErrorBody = (body: {
  code: unknown;
  message: unknown;
  retryAfterMs?: unknown;
}): ChatError =>
  new ChatError(
    isErrorCode(body.code) ? body.code : 'INTERNAL',
    typeof body.message === 'string' ? body.message : '',
    retryAfterMsOf(body.retryAfterMs),
  );
