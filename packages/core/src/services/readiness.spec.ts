import { describe, expect, it } from 'vitest';
import { failingChecks } from './readiness.js';

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
