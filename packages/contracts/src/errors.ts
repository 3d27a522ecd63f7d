/**
 * Error codes every ack, `exception` event and REST error body uses. A client may switch on
 * them exhaustively; the message is for humans and may change. `NAME_TAKEN` is the answer to a
 * guest sign-in with a name someone else holds.
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'NAME_TAKEN',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** HTTP status a REST endpoint answers for each code. */
export const HTTP_STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  NAME_TAKEN: 409,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** With `RATE_LIMITED`: how long to wait before the same request can succeed. */
  retryAfterMs?: number;
}

/** What every client event's ack callback receives. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/** Payload of the server's `exception` event, sent when a failing event had no ack callback. */
export interface ExceptionEvent {
  event: string;
  code: ErrorCode;
  message: string;
  retryAfterMs?: number;
}

/**
 * A failure the domain reports with its code (and, with `RATE_LIMITED`, the wait). Thrown by
 * services and adapters, translated once at the edge (socket ack, `exception` event, HTTP
 * error body); clients rebuild it from an error body.
 */
export class ChatError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Milliseconds before the same request can succeed, when the refusal names one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ChatError';
  }
}

/** Over a limit: `RATE_LIMITED`, with the wait a client can act on without parsing text. */
export class RateLimitedError extends ChatError {
  constructor(retryAfterMs: number, what = 'requests') {
    super(
      'RATE_LIMITED',
      `too many ${what}; try again in ${Math.ceil(retryAfterMs / 1000)} s`,
      retryAfterMs,
    );
  }
}

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
