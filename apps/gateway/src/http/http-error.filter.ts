import {
  ChatError,
  HTTP_STATUS_BY_CODE,
  NAME_TAKEN,
  RateLimitedError,
  type ErrorCode,
} from '@chat/contracts';
import { NameTakenError } from '@chat/core';
import {
  Catch,
  HttpException,
  Inject,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { describeIssues } from '../chat/errors.js';
import { LOGGER, type Logger } from '../observability/logger.js';

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

/** Every REST error leaves as `{ code, message }` with the status of its code. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (error instanceof NameTakenError) {
      res.status(409).json({ code: NAME_TAKEN, message: error.message });
      return;
    }
    const { status, code, message } = this.describe(error);
    if (error instanceof RateLimitedError) {
      res.setHeader('Retry-After', String(Math.ceil(error.retryAfterMs / 1000)));
      res.status(status).json({ code, message, retryAfterMs: error.retryAfterMs });
      return;
    }
    res.status(status).json({ code, message });
  }

  private describe(error: unknown): { status: number; code: string; message: string } {
    if (error instanceof ChatError) {
      return { status: HTTP_STATUS_BY_CODE[error.code], code: error.code, message: error.message };
    }
    if (error instanceof z.ZodError) {
      return { status: 400, code: 'BAD_REQUEST', message: describeIssues(error) };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      return { status, code: CODE_BY_STATUS[status] ?? 'INTERNAL', message: error.message };
    }
    this.logger.error({ err: error }, 'unexpected error in an HTTP handler');
    return { status: 500, code: 'INTERNAL', message: 'something went wrong on our side' };
  }
}
