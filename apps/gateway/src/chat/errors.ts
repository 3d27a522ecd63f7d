import { ChatError, type ErrorBody } from '@chat/contracts';
import type { Logger } from 'pino';
import { z } from 'zod';

/** Translates anything thrown by a handler into the wire's `{ code, message }`, once. */
export function toErrorBody(error: unknown, logger: Logger, context: string): ErrorBody {
  if (error instanceof ChatError) return { code: error.code, message: error.message };
  if (error instanceof z.ZodError) return { code: 'BAD_REQUEST', message: describeIssues(error) };
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
