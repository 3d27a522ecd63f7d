import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoMessageStore, RedisStreamsEventLog } from '@chat/adapters';
import { freePort, ManagedProcess, startDynalite, startRedis, waitFor } from '@chat/local-cluster';
import { pollUntil } from '@chat/test-support';
import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SINK_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('the sink worker process', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chat-sink-'));
  const started: ManagedProcess[] = [];
  let redis: Redis;
  let dynamo: DynamoDBClient;
  let health = '';

  beforeAll(async () => {
    const [redisPort, dynamoPort, healthPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    started.push(await startRedis(redisPort, path.join(dir, 'redis')));
    started.push(await startDynalite(dynamoPort, path.join(dir, 'dynamo')));
    redis = new Redis(redisPort, '127.0.0.1');
    dynamo = new DynamoDBClient({
      region: 'local',
      endpoint: `http://127.0.0.1:${dynamoPort}`,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    health = `http://127.0.0.1:${healthPort}`;
    const sink = ManagedProcess.start(
      'sink',
      process.execPath,
      ['--import', 'tsx', 'src/main.ts'],
      {
        SINKS: 'store,search',
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamoPort}`,
        AWS_REGION: 'local',
        SEARCH_SQLITE_PATH: path.join(dir, 'search.db'),
        HEALTH_PORT: String(healthPort),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      },
      SINK_ROOT,
    );
    started.push(sink);
    await waitFor(
      async () => {
        sink.assertRunning();
        return (await fetch(`${health}/ready`)).ok;
      },
      { what: 'the sink to be ready' },
    );
  });

  afterAll(async () => {
    redis?.disconnect();
    dynamo?.destroy();
    for (const proc of started.reverse()) await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes what is appended to the log into the store and reports it in metrics', async () => {
    const log = new RedisStreamsEventLog(redis);
    const roomId = `room-${Date.now()}`;
    for (let i = 0; i < 30; i++) {
      await log.appendMessage({
        id: `${roomId}-${i}`,
        roomId,
        userId: 'alice',
        content: `message ${i}`,
        kind: 'user',
        createdAt: new Date().toISOString(),
      });
    }
    const store = new DynamoMessageStore(dynamo);
    const stored = await pollUntil(
      () => store.page(roomId, { limit: 100 }),
      (m) => m.length === 30,
      { timeoutMs: 15_000, what: 'stored' },
    );
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const metrics = await (await fetch(`${health}/metrics`)).text();
    expect(metrics).toMatch(/chat_sink_written_total\{sink="store"\} 30/);
    expect(metrics).toMatch(/chat_sink_lag\{sink="store"\} 0/);
    await log.close();
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const sink = started.at(-1);
    expect(await sink?.stop()).toBe(0);
  });
});
