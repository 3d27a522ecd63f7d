import { describe, expect, it } from 'vitest';
import { answerChecks, failingChecks } from './readiness.js';

describe(failingChecks.name, () => {
  it('names the dependencies that refuse or do not answer in time', async () => {
    const failing = await failingChecks(
      [
        { name: 'ok', ping: () => Promise.resolve() },
        { name: 'refuses', ping: () => Promise.reject(new Error('connection refused')) },
        { name: 'hangs', ping: () => new Promise<void>(() => undefined) },
      ],
      50,
    );
    expect(failing).toEqual([
      { name: 'refuses', error: 'connection refused' },
      { name: 'hangs', error: 'no answer within 50 ms' },
    ]);
  });
});

describe(answerChecks.name, () => {
  it('answers 200 with the status when every dependency answers', async () => {
    const answer = await answerChecks([{ name: 'redis', ping: () => Promise.resolve() }], 'ready');
    expect(answer).toEqual({ httpStatus: 200, body: { status: 'ready' } });
  });

  it('answers 503 UNAVAILABLE naming each failing dependency', async () => {
    const answer = await answerChecks(
      [
        { name: 'redis', ping: () => Promise.resolve() },
        { name: 'dynamodb', ping: () => Promise.reject(new Error('connection refused')) },
      ],
      'ready',
    );
    expect(answer).toEqual({
      httpStatus: 503,
      body: {
        code: 'UNAVAILABLE',
        message: 'dynamodb: connection refused',
        failing: ['dynamodb'],
      },
    });
  });
});
