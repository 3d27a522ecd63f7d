import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  QueryCommand,
  type AttributeValue,
  type BatchGetItemCommandInput,
  type BatchGetItemCommandOutput,
  type BatchWriteItemCommandInput,
  type BatchWriteItemCommandOutput,
  type DynamoDBClient,
  type QueryCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { backoff, type BackoffOptions } from '../backoff.js';

export type { BackoffOptions };

export type Item = Record<string, AttributeValue>;
export type SendBatchWrite = (
  input: BatchWriteItemCommandInput,
) => Promise<BatchWriteItemCommandOutput>;
export type SendBatchGet = (input: BatchGetItemCommandInput) => Promise<BatchGetItemCommandOutput>;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );

/**
 * Writes every request with BatchWriteItem (25 per call, `concurrency` calls in flight),
 * re-sending `UnprocessedItems` with exponential backoff and jitter until all are
 * written; throws after `maxAttempts` calls of one chunk that still left items unprocessed.
 * Resolves only when every item is written. Chunks may land in any order.
 */
export async function batchWriteAll(
  send: SendBatchWrite,
  table: string,
  requests: readonly WriteRequest[],
  options: BackoffOptions & { concurrency?: number } = {},
): Promise<void> {
  const wait = backoff(options);
  const maxAttempts = options.maxAttempts ?? 10;
  const writeChunk = async (chunk: WriteRequest[]) => {
    let pending = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= maxAttempts) {
        throw new Error(
          `BatchWriteItem on ${table}: ${pending.length} items unprocessed after ${maxAttempts} attempts`,
        );
      }
      if (attempt > 0) await wait(attempt - 1);
      const out = await send({ RequestItems: { [table]: pending } });
      pending = out.UnprocessedItems?.[table] ?? [];
    }
  };
  const queue = chunks(requests, 25);
  const worker = async () => {
    for (let chunk = queue.shift(); chunk; chunk = queue.shift()) await writeChunk(chunk);
  };
  const lanes = Math.max(1, Math.min(options.concurrency ?? 1, queue.length));
  await Promise.all(Array.from({ length: lanes }, worker));
}

/** Reads every key with BatchGetItem (100 per call), retrying `UnprocessedKeys` with backoff. */
export async function batchGetAll(
  send: SendBatchGet,
  table: string,
  keys: readonly Item[],
  options: BackoffOptions & { consistent?: boolean } = {},
): Promise<Item[]> {
  const wait = backoff(options);
  const maxAttempts = options.maxAttempts ?? 10;
  const found: Item[] = [];
  for (const chunk of chunks(keys, 100)) {
    let pending: Item[] = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= maxAttempts) {
        throw new Error(
          `BatchGetItem on ${table}: ${pending.length} keys unprocessed after ${maxAttempts} attempts`,
        );
      }
      if (attempt > 0) await wait(attempt - 1);
      const out = await send({
        RequestItems: { [table]: { Keys: pending, ConsistentRead: options.consistent ?? true } },
      });
      found.push(...(out.Responses?.[table] ?? []));
      pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return found;
}

/** Follows `LastEvaluatedKey` until `limit` items (or the end) are read. */
export async function queryAll(
  client: DynamoDBClient,
  input: QueryCommandInput,
  limit = Number.POSITIVE_INFINITY,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const remaining = limit - items.length;
    const out = await client.send(
      new QueryCommand({
        ...input,
        ...(Number.isFinite(remaining) && { Limit: remaining }),
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start && items.length < limit);
  return items;
}

export const sendBatchWrite =
  (client: DynamoDBClient): SendBatchWrite =>
  (input) =>
    client.send(new BatchWriteItemCommand(input));

export const sendBatchGet =
  (client: DynamoDBClient): SendBatchGet =>
  (input) =>
    client.send(new BatchGetItemCommand(input));

export const isConditionFailed = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof Error && error.name === 'ConditionalCheckFailedException');

/** Attribute readers that fail loudly on an item of the wrong shape. */
export const str = (item: Item, name: string): string => {
  const value = item[name]?.S;
  if (value === undefined) throw new Error(`DynamoDB item without string ${name}`);
  return value;
};
export const optStr = (item: Item, name: string): string | undefined => item[name]?.S;
export const num = (item: Item, name: string): number => {
  const value = item[name]?.N;
  if (value === undefined) throw new Error(`DynamoDB item without number ${name}`);
  return Number(value);
};
export const S = (value: string): AttributeValue => ({ S: value });
export const N = (value: number): AttributeValue => ({ N: String(value) });
