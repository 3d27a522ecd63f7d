import { ChatError, type ErrorBody } from '@chat/contracts';
import type { Logger } from 'pino';
import { z } from 'zod';

/**
 * Translates anything thrown by a handler, socket or REST, into the wire's
 * `{ code, message, retryAfterMs? }`: the one error path of the gateway. REST answers it with
 * `HTTP_STATUS_BY_CODE[code]` (`HttpErrorFilter`).
 */
export function toErrorBody(error: unknown, logger: Logger, context: string): ErrorBody {
  if (error instanceof ChatError) {
    const { code, message, retryAfterMs } = error;
    return { code, message, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  if (error instanceof z.ZodError) return { code: 'BAD_REQUEST', message: describeIssues(error) };
  if (isOutage(error)) {
    logger.warn({ err: error, context }, 'a dependency is unreachable');
    return { code: 'UNAVAILABLE', message: 'the service is briefly unavailable; try again' };
  }
  logger.error({ err: error, context }, 'unexpected error');
  return { code: 'INTERNAL', message: 'something went wrong on our side' };
}

export const describeIssues = (error: z.ZodError): string =>
  error.issues
    .slice(0, 5)
    .map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');

const OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
const OUTAGE_NAMES = new Set(['TimeoutError', 'MaxRetriesPerRequestError', 'ConnectionError']);

/**
 * Redis at its `maxmemory` cap refuses writes (`noeviction`) with an `OOM …` reply: nothing was
 * written, and it passes once memory is freed or the cap raised.
 */
const isRedisOutOfMemory = (error: Error): boolean =>
  error.name === 'ReplyError' && error.message.startsWith('OOM ');

/** A dependency that cannot be reached or refuses writes (not a bug): the client may retry. */
export function isOutage(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 3) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if ((code && OUTAGE_CODES.has(code)) || OUTAGE_NAMES.has(error.name)) return true;
  if (isRedisOutOfMemory(error)) return true;
  if (error instanceof AggregateError && error.errors.some((e) => isOutage(e, depth + 1)))
    return true;
  return isOutage(error.cause, depth + 1);
}
