import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { DynamoMessageStore, ElasticsearchSearchIndex, messageItem } from '@chat/adapters';
import type { Message, SearchResult } from '@chat/contracts';
import { openDatabase, SqliteSearchIndex } from '@chat/core';
import type { Cluster } from '@chat/local-cluster';
import { Client, type BaseConnection } from '@elastic/elasticsearch';
import type * as MockModule from '@elastic/elasticsearch-mock';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { roomTag } from '../generator/content.js';
import type { LoadGenerator } from '../generator/handle.js';
import type { Distribution, TrackedAck } from '../generator/protocol.js';
import { cpuSeconds } from '../infra/proc.js';
import { fetchText, metricValue } from '../infra/servers.js';
import { distribution, epochNow, sleep } from '../stats.js';
import { nextStepNumber } from './ramp.js';

export interface LagResult {
  rate: number;
  durationMs: number;
  trackedRooms: number;
  trackedMessages: number;
  stored: Distribution;
  searchable: Distribution;
  /** Tracked messages never seen stored / searchable before the probes gave up. */
  missingStored: number;
  missingSearchable: number;
  /** Mean time between two probes of one room: the resolution of the lags. */
  storedPollMs: number;
  searchPollMs: number;
  probeErrors: number;
}

export interface BacklogResult {
  messages: number;
  /** From the sink's start command to its first write (process start, connect, claim). */
  startupMs: number;
  storePerSec: number;
  searchPerSec: number;
  storeDrainMs: number;
  searchDrainMs: number;
  /** Sink process CPU over the drain, % of one core. */
  sinkCpuPct: number;
  /** Sink CPU milliseconds per 1,000 messages (both groups). */
  sinkCpuMsPer1k: number;
  dynaliteCpuPct: number;
}

export interface RawWriteResult {
  messages: number;
  /** Sequential BatchWriteItem calls of 25 items (what the store adapter does per batch). */
  sequentialPerSec: number;
  concurrency: number;
  concurrentPerSec: number;
  dynaliteCpuPct: number;
}

export interface IndexMicroResult {
  messages: number;
  batch: number;
  elasticsearchMockPerSec: number;
  sqlitePerSec: number;
}

export interface PersistenceResult {
  lag: LagResult;
  backlog: BacklogResult;
  raw: RawWriteResult;
  index: IndexMicroResult;
}

export interface PersistenceContext {
  cluster: Cluster;
  dynamo: DynamoDBClient;
  generator: LoadGenerator;
  gatewayUrl: string;
  roomIds: string[];
  probeToken: string;
  dataDir: string;
  log: (line: string) => void;
}

interface Observation {
  at: number;
  seq: number;
}

/** Writes sink metrics: `written` per group, `lag + pending` per group. */
export async function sinkCounters(url: string) {
  const text = await fetchText(`${url}/metrics`);
  const group = (sink: string) => ({
    written: metricValue(text, 'chat_sink_written_total', { sink }) ?? 0,
    behind:
      (metricValue(text, 'chat_sink_lag', { sink }) ?? 0) +
      (metricValue(text, 'chat_sink_pending', { sink }) ?? 0),
  });
  return { store: group('store'), search: group('search') };
}

/** Waits until both sink groups have nothing undelivered or unacknowledged. */
export async function waitSinkDrained(cluster: Cluster, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const url = cluster.sinkHealthUrls[0];
    if (url) {
      const c = await sinkCounters(url).catch(() => undefined);
      if (c && c.store.behind === 0 && c.search.behind === 0) return performance.now() - started;
    }
    await sleep(250);
  }
  throw new Error(`the sink did not drain within ${timeoutMs} ms`);
}

/**
 * Ack → stored and ack → searchable at a steady rate: probes poll, for a few rooms, the
 * newest stored message (DynamoDB, through the store adapter) and the newest searchable one
 * (REST search for the step's room tag, newest first); a message counts as stored (searchable)
 * when a probe answer carrying its seq or a later one arrives.
 */
export async function measureLag(
  ctx: PersistenceContext,
  rate: number,
  durationMs: number,
  trackRooms: number,
): Promise<LagResult> {
  const store = new DynamoMessageStore(ctx.dynamo);
  const step = nextStepNumber();
  const tracked = ctx.roomIds.slice(0, trackRooms);
  const stored: Observation[][] = tracked.map(() => []);
  const searchable: Observation[][] = tracked.map(() => []);
  let probeErrors = 0;
  let stop = false;
  const POLL_PAUSE_MS = 40;
  const loop = async (read: () => Promise<number>, into: Observation[]) => {
    while (!stop) {
      try {
        const seq = await read();
        into.push({ at: epochNow(), seq });
      } catch {
        probeErrors++;
      }
      await sleep(POLL_PAUSE_MS);
    }
  };
  const probes = tracked.flatMap((roomId, r) => [
    loop(async () => (await store.page(roomId, { limit: 1 }))[0]?.seq ?? 0, stored[r] ?? []),
    loop(async () => {
      const q = new URLSearchParams({ q: roomTag(step, r), roomId, limit: '1' });
      const res = await fetch(`${ctx.gatewayUrl}/chat/search?${q.toString()}`, {
        headers: { authorization: `Bearer ${ctx.probeToken}` },
      });
      if (!res.ok) throw new Error(`search ${res.status}`);
      const body = (await res.json()) as SearchResult;
      return body.hits[0]?.message.seq ?? 0;
    }, searchable[r] ?? []),
  ]);
  let acks: TrackedAck[] = [];
  try {
    const result = await ctx.generator.call('step', {
      step,
      rate,
      durationMs,
      drainMs: 10_000,
      trackRooms: tracked.map((_, i) => i),
    });
    acks = result.acks;
    // Keep probing until every tracked message was seen in both, or 20 s.
    const deadline = performance.now() + 20_000;
    const seen = (obs: Observation[][], a: TrackedAck) => (obs[a.room]?.at(-1)?.seq ?? 0) >= a.seq;
    while (
      performance.now() < deadline &&
      !acks.every((a) => seen(stored, a) && seen(searchable, a))
    ) {
      await sleep(100);
    }
  } finally {
    stop = true;
    await Promise.all(probes);
  }
  const lags = (obs: Observation[][]) => {
    const values: number[] = [];
    let missing = 0;
    for (const a of acks) {
      const first = obs[a.room]?.find((o) => o.seq >= a.seq);
      if (first) values.push(Math.max(0, first.at - a.at));
      else missing++;
    }
    return { dist: distribution(values), missing };
  };
  const meanInterval = (obs: Observation[][]) => {
    const gaps = obs.flatMap((list) => list.slice(1).map((o, i) => o.at - (list[i]?.at ?? o.at)));
    return gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : 0;
  };
  const s = lags(stored);
  const q = lags(searchable);
  return {
    rate,
    durationMs,
    trackedRooms: tracked.length,
    trackedMessages: acks.length,
    stored: s.dist,
    searchable: q.dist,
    missingStored: s.missing,
    missingSearchable: q.missing,
    storedPollMs: meanInterval(stored),
    searchPollMs: meanInterval(searchable),
    probeErrors,
  };
}

/**
 * Sink throughput: with the sink stopped, a backlog is sent; then the sink starts and its
 * `written` counters are polled until both groups have written the whole backlog.
 * Returns the backlog's messages (read back from the store) for the raw comparison.
 */
export async function measureBacklog(
  ctx: PersistenceContext,
  rate: number,
  durationMs: number,
): Promise<{ result: BacklogResult; messages: Message[] }> {
  const { cluster } = ctx;
  await waitSinkDrained(cluster, 120_000);
  await cluster.sinks[0]?.stop();
  const step = await ctx.generator.call('step', {
    step: nextStepNumber(),
    rate,
    durationMs,
    drainMs: 10_000,
    trackRooms: ctx.roomIds.map((_, i) => i),
  });
  const n = step.acked;
  const oldUrl = cluster.sinkHealthUrls[0];
  const dynalitePid = cluster.dynalite.pid;
  const startAt = performance.now();
  const starting = cluster.startSink(0, false);
  let url: string | undefined;
  while (!url) {
    await sleep(20);
    const candidate = cluster.sinkHealthUrls[0];
    if (candidate && candidate !== oldUrl) url = candidate;
  }
  let lastZeroAt = startAt;
  let firstWriteAt: number | undefined;
  let storeDoneAt: number | undefined;
  let searchDoneAt: number | undefined;
  let cpuStart: { sink: number; dynalite: number; at: number } | undefined;
  const deadline = startAt + 300_000;
  while (
    (storeDoneAt === undefined || searchDoneAt === undefined) &&
    performance.now() < deadline
  ) {
    const c = await sinkCounters(url).catch(() => undefined);
    const now = performance.now();
    if (c) {
      const written = c.store.written + c.search.written;
      if (written === 0) {
        lastZeroAt = now;
        const sinkPid = cluster.sinks[0]?.pid;
        cpuStart = {
          sink: sinkPid === undefined ? 0 : (cpuSeconds(sinkPid) ?? 0),
          dynalite: dynalitePid === undefined ? 0 : (cpuSeconds(dynalitePid) ?? 0),
          at: now,
        };
      } else firstWriteAt ??= now;
      if (storeDoneAt === undefined && c.store.written >= n) storeDoneAt = now;
      if (searchDoneAt === undefined && c.search.written >= n) searchDoneAt = now;
    }
    await sleep(100);
  }
  await starting;
  if (storeDoneAt === undefined || searchDoneAt === undefined) {
    throw new Error('the sink did not write the backlog within 5 minutes');
  }
  const doneAt = Math.max(storeDoneAt, searchDoneAt);
  const sinkPid = cluster.sinks[0]?.pid;
  const seconds = (doneAt - (cpuStart?.at ?? lastZeroAt)) / 1000;
  const sinkCpu = sinkPid === undefined ? 0 : (cpuSeconds(sinkPid) ?? 0) - (cpuStart?.sink ?? 0);
  const dynaliteCpu =
    dynalitePid === undefined ? 0 : (cpuSeconds(dynalitePid) ?? 0) - (cpuStart?.dynalite ?? 0);
  const result: BacklogResult = {
    messages: n,
    startupMs: (firstWriteAt ?? lastZeroAt) - startAt,
    storePerSec: n / ((storeDoneAt - lastZeroAt) / 1000),
    searchPerSec: n / ((searchDoneAt - lastZeroAt) / 1000),
    storeDrainMs: storeDoneAt - lastZeroAt,
    searchDrainMs: searchDoneAt - lastZeroAt,
    sinkCpuPct: (sinkCpu / seconds) * 100,
    sinkCpuMsPer1k: (sinkCpu * 1000) / (n / 1000),
    dynaliteCpuPct: (dynaliteCpu / seconds) * 100,
  };
  ctx.log(
    `backlog of ${n}: store ${result.storePerSec.toFixed(0)}/s, search ${result.searchPerSec.toFixed(0)}/s, ` +
      `sink cpu ${result.sinkCpuPct.toFixed(0)}%`,
  );
  // The same messages, read back from the store, for the raw comparison.
  const store = new DynamoMessageStore(ctx.dynamo);
  const firstSeq = new Map<number, number>();
  for (const a of step.acks) firstSeq.set(a.room, Math.min(firstSeq.get(a.room) ?? a.seq, a.seq));
  const messages: Message[] = [];
  for (const [room, seq] of firstSeq) {
    const roomId = ctx.roomIds[room] ?? '';
    let after = seq - 1;
    for (let page = 0; page < 10_000; page++) {
      const batch = await store.page(roomId, { after, limit: 100 });
      messages.push(...batch);
      if (batch.length < 100) break;
      after = batch.at(-1)?.seq ?? after;
    }
  }
  return { result, messages };
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

// The mock is CommonJS and checks `instanceof` against the CommonJS client build.
const require = createRequire(import.meta.url);
const Mock = require('@elastic/elasticsearch-mock') as typeof MockModule.default.default;

/**
 * The index adapters alone, in this process, on the same messages in sink-sized batches:
 * Elasticsearch (request building and the client, answered by `@elastic/elasticsearch-mock`)
 * and the SQLite FTS index the local cluster uses.
 */
export async function measureIndexAdapters(
  messages: readonly Message[],
  dir: string,
): Promise<IndexMicroResult> {
  const batch = 200;
  const mock = new Mock();
  mock.add({ method: 'POST', path: '/_bulk' }, (params) => {
    const ops = Array.isArray(params.body) ? params.body.length / 2 : 0;
    return {
      took: 1,
      errors: false,
      items: Array.from({ length: ops }, () => ({ index: { status: 201, result: 'created' } })),
    };
  });
  const client = new Client({
    node: 'http://localhost:9200',
    Connection: mock.getConnection() as unknown as typeof BaseConnection,
    maxRetries: 0,
  });
  const es = new ElasticsearchSearchIndex(client, { prefix: 'bench' });
  const rate = async (index: (b: readonly Message[]) => Promise<void>) => {
    const t0 = performance.now();
    for (let i = 0; i < messages.length; i += batch) await index(messages.slice(i, i + batch));
    return messages.length / ((performance.now() - t0) / 1000);
  };
  const elasticsearchMockPerSec = await rate((b) => es.putBatch(b));
  // No client.close(): the mock connection does not implement it; nothing is open.
  mkdirSync(dir, { recursive: true });
  const db = openDatabase(path.join(dir, 'index-bench.db'));
  const sqlite = new SqliteSearchIndex(db);
  const sqlitePerSec = await rate((b) => sqlite.putBatch(b));
  await sqlite.close();
  db.close();
  return { messages: messages.length, batch, elasticsearchMockPerSec, sqlitePerSec };
}
