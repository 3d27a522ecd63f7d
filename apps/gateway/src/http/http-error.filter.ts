import { HTTP_STATUS_BY_CODE, type ErrorBody, type ErrorCode } from '@chat/contracts';
import {
  Catch,
  HttpException,
  Inject,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response } from 'express';
import { toErrorBody } from '../errors.js';
import { LOGGER, type Logger } from '../observability/logger.js';

/** Codes for the HTTP errors Nest and Express raise themselves (unknown route, body parser…). */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'BAD_REQUEST',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/**
 * Every REST error leaves as the socket's would (`toErrorBody`), with the status of its code;
 * `RATE_LIMITED` also says `Retry-After`.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = describeHttpError(error, this.logger);
    if (body.retryAfterMs !== undefined) {
      res.setHeader('Retry-After', String(Math.ceil(body.retryAfterMs / 1000)));
    }
    res.status(status).json(body);
  }
}

/** The status and body of a REST error. */
export function describeHttpError(
  error: unknown,
  logger: Logger,
): { status: number; body: ErrorBody } {
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return { status, body: { code: CODE_BY_STATUS[status] ?? 'INTERNAL', message: error.message } };
  }
  const body = toErrorBody(error, logger, 'http');
  return { status: HTTP_STATUS_BY_CODE[body.code], body };
}
