import { ChatError, RateLimitedError } from '@chat/contracts';
import { NameTakenError } from '@chat/core';
import { HttpException } from '@nestjs/common';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toErrorBody } from '../errors.js';
import { describeHttpError } from './http-error.filter.js';

const logger = pino({ level: 'silent' });
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
  code: 'ECONNREFUSED',
});

describe('one error path for socket and REST', () => {
  it.each([
    ['an unreachable dependency', refused, 503, 'UNAVAILABLE'],
    ['a domain error', new ChatError('FORBIDDEN', 'not a member'), 403, 'FORBIDDEN'],
    ['a taken name', new NameTakenError('Bob'), 409, 'NAME_TAKEN'],
    ['a schema refusal', z.object({ a: z.string() }).safeParse({}).error, 400, 'BAD_REQUEST'],
    ['a bug', new TypeError('x is undefined'), 500, 'INTERNAL'],
  ])('answers %s with the socket’s code and its status', (_, error, status, code) => {
    const { status: got, body } = describeHttpError(error, logger);
    expect({ status: got, code: body.code }).toEqual({ status, code });
    expect(body).toEqual(toErrorBody(error, logger, 'socket'));
  });

  it('carries the wait of a rate limit', () => {
    const { status, body } = describeHttpError(new RateLimitedError(2500), logger);
    expect(status).toBe(429);
    expect(body).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 2500 });
  });

  it('keeps the status of errors Nest and Express raise themselves', () => {
    expect(describeHttpError(new HttpException('Unsupported Media Type', 415), logger)).toEqual({
      status: 415,
      body: { code: 'BAD_REQUEST', message: 'Unsupported Media Type' },
    });
  });
});
