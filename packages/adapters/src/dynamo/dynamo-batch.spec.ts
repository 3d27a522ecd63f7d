import type {
  BatchWriteItemCommandInput,
  KeysAndAttributes,
  WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { batchGetAll, batchWriteAll, type SendBatchWrite } from './dynamo-batch.js';

const put = (n: number): WriteRequest => ({ PutRequest: { Item: { pk: { S: `k${n}` } } } });
const keyOf = (r: WriteRequest) => r.PutRequest?.Item?.pk?.S ?? '';

/** A BatchWriteItem that leaves the last `leave` items of each call unprocessed, `times` times. */
function throttling(leave: number, times: number) {
  const calls: string[][] = [];
  let throttled = 0;
  const send: SendBatchWrite = (input: BatchWriteItemCommandInput) => {
    const requests = input.RequestItems?.t ?? [];
    calls.push(requests.map(keyOf));
    const unprocessed = throttled++ < times ? requests.slice(-leave) : [];
    const UnprocessedItems: Record<string, WriteRequest[]> =
      unprocessed.length > 0 ? { t: unprocessed } : {};
    return Promise.resolve({ $metadata: {}, UnprocessedItems });
  };
  return { send, calls };
}

describe(batchWriteAll.name, () => {
  it('re-sends UnprocessedItems with growing delays until every item is written', async () => {
    const { send, calls } = throttling(2, 3);
    const delays: number[] = [];
    const sleep = (ms: number) => {
      delays.push(ms);
      return Promise.resolve();
    };
    await batchWriteAll(send, 't', [1, 2, 3, 4, 5].map(put), { baseDelayMs: 100, sleep });
    expect(calls).toEqual([
      ['k1', 'k2', 'k3', 'k4', 'k5'],
      ['k4', 'k5'],
      ['k4', 'k5'],
      ['k4', 'k5'],
    ]);
    expect(delays).toHaveLength(3);
    delays.forEach((delay, attempt) => expect(delay).toBeLessThanOrEqual(100 * 2 ** attempt));
  });

  it('splits requests into calls of at most 25 items', async () => {
    const { send, calls } = throttling(0, 0);
    await batchWriteAll(
      send,
      't',
      Array.from({ length: 60 }, (_, i) => put(i)),
    );
    expect(calls.map((c) => c.length)).toEqual([25, 25, 10]);
  });

  it('keeps at most `concurrency` calls in flight and still writes every item', async () => {
    let inFlight = 0;
    let most = 0;
    const written: string[] = [];
    const send: SendBatchWrite = async (input) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      written.push(...(input.RequestItems?.t ?? []).map(keyOf));
      inFlight--;
      return { $metadata: {} };
    };
    const requests = Array.from({ length: 130 }, (_, i) => put(i));
    await batchWriteAll(send, 't', requests, { concurrency: 3 });
    expect(most).toBe(3);
    expect(written.sort()).toEqual(requests.map(keyOf).sort());
  });

  it('gives up with an error naming the table after maxAttempts', async () => {
    const { send, calls } = throttling(1, Number.POSITIVE_INFINITY);
    const sleep = () => Promise.resolve();
    await expect(batchWriteAll(send, 't', [put(1)], { maxAttempts: 4, sleep })).rejects.toThrow(
      'BatchWriteItem on t: 1 items unprocessed after 4 attempts',
    );
    expect(calls).toHaveLength(4);
  });

  it('makes no call for no requests', async () => {
    const { send, calls } = throttling(0, 0);
    await batchWriteAll(send, 't', []);
    expect(calls).toEqual([]);
  });
});

describe(batchGetAll.name, () => {
  it('re-requests UnprocessedKeys and returns every item', async () => {
    let first = true;
    const found = await batchGetAll(
      (input) => {
        const keys = input.RequestItems?.t?.Keys ?? [];
        const [head, ...rest] = keys;
        const done = first ? (head ? [head] : []) : keys;
        const left = first ? rest : [];
        first = false;
        const UnprocessedKeys: Record<string, KeysAndAttributes> =
          left.length > 0 ? { t: { Keys: left } } : {};
        return Promise.resolve({ $metadata: {}, Responses: { t: done }, UnprocessedKeys });
      },
      't',
      [{ id: { S: 'a' } }, { id: { S: 'b' } }, { id: { S: 'c' } }],
      { sleep: () => Promise.resolve() },
    );
    expect(found.map((i) => i.id?.S)).toEqual(['a', 'b', 'c']);
  });
});
