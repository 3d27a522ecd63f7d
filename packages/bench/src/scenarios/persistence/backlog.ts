import { DynamoMessageStore } from '@chat/adapters';
import type { Message } from '@chat/contracts';
import type { Cluster } from '@chat/local-cluster';
import type { TrackedAck } from '../../generator/protocol.js';
import { cpuSeconds } from '../../infra/proc.js';
import { sleep } from '../../stats.js';
import { nextStepNumber } from '../ramp.js';
import type { PersistenceContext } from './context.js';
import { sinkCounters, waitSinkDrained } from './sink-metrics.js';

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

/** When the restarted sink wrote what, and the CPU counters when it had written nothing yet. */
interface Drain {
  startAt: number;
  lastZeroAt: number;
  firstWriteAt: number | undefined;
  storeDoneAt: number;
  searchDoneAt: number;
  cpuStart: { sink: number; dynalite: number; at: number } | undefined;
}

/** Starts the stopped sink and waits for its new health URL. */
async function restartSink(cluster: Cluster) {
  const oldUrl = cluster.sinkHealthUrls[0];
  const startAt = performance.now();
  const starting = cluster.startSink(0, false);
  let url: string | undefined;
  while (!url) {
    await sleep(20);
    const candidate = cluster.sinkHealthUrls[0];
    if (candidate && candidate !== oldUrl) url = candidate;
  }
  return { startAt, starting, url };
}

/** Restarts the sink and polls its `written` counters until both groups wrote `n` messages. */
async function drain(cluster: Cluster, n: number): Promise<Drain> {
  const dynalitePid = cluster.dynalite.pid;
  const { startAt, starting, url } = await restartSink(cluster);
  let lastZeroAt = startAt;
  let firstWriteAt: number | undefined;
  let storeDoneAt: number | undefined;
  let searchDoneAt: number | undefined;
  let cpuStart: Drain['cpuStart'];
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
  return { startAt, lastZeroAt, firstWriteAt, storeDoneAt, searchDoneAt, cpuStart };
}

/** Rates from the drain's times; CPU of the sink and dynalite from its first write to its end. */
function backlogResult(cluster: Cluster, n: number, d: Drain): BacklogResult {
  const { startAt, lastZeroAt, storeDoneAt, searchDoneAt, cpuStart } = d;
  const dynalitePid = cluster.dynalite.pid;
  const doneAt = Math.max(storeDoneAt, searchDoneAt);
  const sinkPid = cluster.sinks[0]?.pid;
  const seconds = (doneAt - (cpuStart?.at ?? lastZeroAt)) / 1000;
  const sinkCpu = sinkPid === undefined ? 0 : (cpuSeconds(sinkPid) ?? 0) - (cpuStart?.sink ?? 0);
  const dynaliteCpu =
    dynalitePid === undefined ? 0 : (cpuSeconds(dynalitePid) ?? 0) - (cpuStart?.dynalite ?? 0);
  return {
    messages: n,
    startupMs: (d.firstWriteAt ?? lastZeroAt) - startAt,
    storePerSec: n / ((storeDoneAt - lastZeroAt) / 1000),
    searchPerSec: n / ((searchDoneAt - lastZeroAt) / 1000),
    storeDrainMs: storeDoneAt - lastZeroAt,
    searchDrainMs: searchDoneAt - lastZeroAt,
    sinkCpuPct: (sinkCpu / seconds) * 100,
    sinkCpuMsPer1k: (sinkCpu * 1000) / (n / 1000),
    dynaliteCpuPct: (dynaliteCpu / seconds) * 100,
  };
}

/** The backlog's messages, read back from the store, for the raw comparison. */
async function readBack(ctx: PersistenceContext, acks: readonly TrackedAck[]): Promise<Message[]> {
  const store = new DynamoMessageStore(ctx.dynamo);
  const firstSeq = new Map<number, number>();
  for (const a of acks) firstSeq.set(a.room, Math.min(firstSeq.get(a.room) ?? a.seq, a.seq));
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
  return messages;
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
  const result = backlogResult(cluster, n, await drain(cluster, n));
  ctx.log(
    `backlog of ${n}: store ${result.storePerSec.toFixed(0)}/s, search ${result.searchPerSec.toFixed(0)}/s, ` +
      `sink cpu ${result.sinkCpuPct.toFixed(0)}%`,
  );
  return { result, messages: await readBack(ctx, step.acks) };
}
