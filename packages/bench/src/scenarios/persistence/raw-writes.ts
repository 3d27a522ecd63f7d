import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { messageItem } from '@chat/adapters';
import type { Message } from '@chat/contracts';
import { cpuSeconds } from '../../infra/proc.js';
import { sleep } from '../../stats.js';
import type { PersistenceContext } from './context.js';

export interface RawWriteResult {
  messages: number;
  /** Sequential BatchWriteItem calls of 25 items (what the store adapter does per batch). */
  sequentialPerSec: number;
  concurrency: number;
  concurrentPerSec: number;
  dynaliteCpuPct: number;
}

async function createMessagesTable(dynamo: DynamoDBClient, name: string): Promise<void> {
  await dynamo.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'seq', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'seq', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  for (let i = 0; i < 100; i++) {
    const out = await dynamo.send(new DescribeTableCommand({ TableName: name }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await sleep(50);
  }
}

async function writeAll(
  dynamo: DynamoDBClient,
  table: string,
  messages: readonly Message[],
  concurrency: number,
): Promise<void> {
  const chunks: WriteRequest[][] = [];
  for (let i = 0; i < messages.length; i += 25) {
    chunks.push(messages.slice(i, i + 25).map((m) => ({ PutRequest: { Item: messageItem(m) } })));
  }
  let next = 0;
  const lane = async () => {
    for (let c = next++; c < chunks.length; c = next++) {
      let pending = chunks[c] ?? [];
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 20) throw new Error('BatchWriteItem kept items unprocessed');
        const out = await dynamo.send(
          new BatchWriteItemCommand({ RequestItems: { [table]: pending } }),
        );
        pending = out.UnprocessedItems?.[table] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

/** A raw BatchWriteItem loop over the same messages, sequential and with 4 in flight. */
export async function measureRawWrites(
  ctx: PersistenceContext,
  messages: readonly Message[],
): Promise<RawWriteResult> {
  const dynalitePid = ctx.cluster.dynalite.pid;
  const timed = async (table: string, concurrency: number) => {
    await createMessagesTable(ctx.dynamo, table);
    const cpu0 = dynalitePid === undefined ? 0 : (cpuSeconds(dynalitePid) ?? 0);
    const t0 = performance.now();
    await writeAll(ctx.dynamo, table, messages, concurrency);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = dynalitePid === undefined ? 0 : (cpuSeconds(dynalitePid) ?? 0) - cpu0;
    return { perSec: messages.length / seconds, cpuPct: (cpu / seconds) * 100 };
  };
  const tag = Date.now().toString(36);
  const sequential = await timed(`bench-raw-seq-${tag}`, 1);
  const concurrent = await timed(`bench-raw-par-${tag}`, 4);
  return {
    messages: messages.length,
    sequentialPerSec: sequential.perSec,
    concurrency: 4,
    concurrentPerSec: concurrent.perSec,
    dynaliteCpuPct: sequential.cpuPct,
  };
}
