import { ChatError, isErrorCode, type ErrorCode } from '@chat/contracts';

/**
 * A refusal as the server sent it (an ack's `error`, a REST error body): its code, its message,
 * and with `RATE_LIMITED` the wait before the same request can succeed. The stores read the
 * wait from `retryAfterMs`, never from the message, which is for people and may change.
 */
export class ServerError extends ChatError {
  constructor(
    code: ErrorCode,
    message: string,
    /** Milliseconds; set only when the server named a usable (positive, finite) wait. */
    readonly retryAfterMs?: number,
  ) {
    super(code, message);
  }
}

/** The wait an error body names, if it names a usable one. */
export const retryAfterMsOf = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;

/** An error body off the wire (`{ code, message, retryAfterMs? }`); an unknown code is `INTERNAL`. */
export const fromErrorBody = (body: {
  code: unknown;
  message: unknown;
  retryAfterMs?: unknown;
}): ServerError =>
  new ServerError(
    isErrorCode(body.code) ? body.code : 'INTERNAL',
    typeof body.message === 'string' ? body.message : '',
    retryAfterMsOf(body.retryAfterMs),
  );
