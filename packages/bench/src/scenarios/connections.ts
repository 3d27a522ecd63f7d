import type { Cluster } from '@chat/local-cluster';
import { LoadGenerator } from '../generator/handle.js';
import type { ConnectIdleResult } from '../generator/protocol.js';
import { rssBytes } from '../infra/proc.js';
import { fetchText, metricValue, startRelay, startReplica } from '../infra/servers.js';
import {
  heapGrowth,
  readHeapSnapshot,
  takeHeapSnapshot,
  type HeapGrowth,
  type HeapTotals,
} from '../report/heap-snapshot.js';
import { inspectorUrl, InspectorSession } from '../soak/inspector.js';
import { sleep } from '../stats.js';
import { waitQuiet } from './ramp.js';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

export interface MemoryPoint {
  connections: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** V8 heap committed (used + free space V8 keeps) and memory outside it (Buffers, native). */
  heapTotalBytes: number;
  externalBytes: number;
  /** (value − value at 0 connections) / connections. */
  rssPerConnection: number;
  heapPerConnection: number;
  /** Marginal cost since the previous level. */
  rssPerConnectionMarginal: number;
  heapPerConnectionMarginal: number;
  setup: ConnectIdleResult;
  /**
   * The same, settled: after a full GC forced through the inspector and a short pause — what the
   * connections hold once the garbage of connecting them is collected (V8 returns the pages).
   */
  settled?: {
    rssBytes: number;
    heapUsedBytes: number;
    rssPerConnection: number;
    heapPerConnection: number;
  };
}

export interface ConnectionsResult {
  idle: { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; externalBytes: number };
  levels: MemoryPoint[];
  concurrency: number;
  /** The same idle sockets on the baseline relay (one process, no auth): the transport's floor. */
  relay?: {
    connections: number;
    idleRssBytes: number;
    rssBytes: number;
    heapUsedBytes: number;
    rssPerConnection: number;
    heapPerConnection: number;
    connectsPerSec: number;
  };
  /** Heap growth by object kind per connection, from heap snapshots at 0 and the first level. */
  heap?: { connections: number; totalPerConnection: number; kinds: HeapGrowth[] };
}

/** A heap snapshot of `pid`, summarised (undefined if it could not be taken or read). */
async function snapshotTotals(pid: number, dir: string): Promise<HeapTotals | undefined> {
  try {
    const file = await takeHeapSnapshot(pid, dir);
    try {
      return readHeapSnapshot(file);
    } finally {
      rmSync(file, { force: true });
    }
  } catch {
    return undefined;
  }
}

interface MemoryUsage {
  rss: number;
  heapUsed: number;
}

/** RSS and heap of the relay (its `/memory`), the lowest of a few samples. */
async function relayUsage(url: string, samples: number): Promise<MemoryUsage> {
  let best: MemoryUsage = { rss: Number.POSITIVE_INFINITY, heapUsed: Number.POSITIVE_INFINITY };
  for (let i = 0; i < samples; i++) {
    await sleep(500);
    const m = (await (await fetch(`${url}/memory`)).json()) as MemoryUsage;
    if (m.heapUsed < best.heapUsed) best = { rss: Math.min(best.rss, m.rss), heapUsed: m.heapUsed };
    else best = { ...best, rss: Math.min(best.rss, m.rss) };
  }
  return best;
}

/** The same number of idle sockets on a one-process baseline relay. */
async function relayMemory(
  generator: LoadGenerator,
  count: number,
  concurrency: number,
  runTag: string,
  settle: { pauseMs: number; samples: number },
): Promise<NonNullable<ConnectionsResult['relay']>> {
  const relay = await startRelay(undefined);
  try {
    const args = { target: relay.url, runTag: `${runTag}r`, concurrency, relay: true };
    await generator.call('connectIdle', { ...args, count: 20 });
    await generator.call('closeAll', {});
    await sleep(settle.pauseMs);
    const idle = await relayUsage(relay.url, settle.samples);
    const setup = await generator.call('connectIdle', { ...args, count });
    await sleep(settle.pauseMs);
    const full = await relayUsage(relay.url, settle.samples);
    return {
      connections: count,
      idleRssBytes: idle.rss,
      rssBytes: full.rss,
      heapUsedBytes: full.heapUsed,
      rssPerConnection: (full.rss - idle.rss) / count,
      heapPerConnection: (full.heapUsed - idle.heapUsed) / count,
      connectsPerSec: setup.connectsPerSec,
    };
  } finally {
    await generator.call('closeAll', {}).catch(() => undefined);
    await relay.proc.stop();
  }
}

/** Memory of a process after GC has had a chance: the lowest of a few samples. */
async function settledMemory(
  pid: number,
  url: string,
  samples: number,
): Promise<{ rss: number; heap: number; heapTotal: number; external: number }> {
  let rss = Number.POSITIVE_INFINITY;
  let heap = Number.POSITIVE_INFINITY;
  let heapTotal = 0;
  let external = 0;
  for (let i = 0; i < samples; i++) {
    await sleep(500);
    rss = Math.min(rss, rssBytes(pid) ?? rss);
    const text = await fetchText(`${url}/metrics`);
    const used = metricValue(text, 'nodejs_heap_size_used_bytes') ?? heap;
    if (used < heap) {
      heap = used;
      heapTotal = metricValue(text, 'nodejs_heap_size_total_bytes') ?? 0;
      external = metricValue(text, 'nodejs_external_memory_bytes') ?? 0;
    }
  }
  return { rss, heap, heapTotal, external };
}

/** The replica measured, the generator holding its sockets, and how memory is sampled. */
interface Measured {
  pid: number;
  url: string;
  generator: LoadGenerator;
  concurrency: number;
  runTag: string;
  settle: { pauseMs: number; samples: number };
  /** RSS and heap used after a forced full GC (undefined without an inspector). */
  afterGc: () => Promise<{ rss: number; heap: number } | undefined>;
}

type Settled = Awaited<ReturnType<typeof settledMemory>>;

/** RSS and heap used after a forced full GC over the inspector, RSS the lowest of a few samples. */
function afterGcOf(inspector: InspectorSession | undefined, pid: number): Measured['afterGc'] {
  return async () => {
    if (!inspector) return undefined;
    const { memory } = await inspector.afterGc();
    let rss = memory.rss;
    for (let i = 0; i < 4; i++) {
      await sleep(500);
      rss = Math.min(rss, rssBytes(pid) ?? rss);
    }
    return { rss, heap: memory.heapUsed };
  };
}

/** Connects up to `level` idle sockets and measures the replica's memory there. */
async function measureLevel(
  m: Measured,
  level: number,
  open: number,
  base: { idle: Settled; idleGc: { rss: number; heap: number } | undefined },
  previous: { mem: Settled; level: number },
): Promise<{ point: MemoryPoint; mem: Settled }> {
  const setup = await m.generator.call('connectIdle', {
    target: m.url,
    count: level - open,
    runTag: m.runTag,
    concurrency: m.concurrency,
  });
  await sleep(m.settle.pauseMs);
  const mem = await settledMemory(m.pid, m.url, m.settle.samples);
  const { idle, idleGc } = base;
  const point: MemoryPoint = {
    connections: level,
    rssBytes: mem.rss,
    heapUsedBytes: mem.heap,
    heapTotalBytes: mem.heapTotal,
    externalBytes: mem.external,
    rssPerConnection: (mem.rss - idle.rss) / level,
    heapPerConnection: (mem.heap - idle.heap) / level,
    rssPerConnectionMarginal: (mem.rss - previous.mem.rss) / (level - previous.level),
    heapPerConnectionMarginal: (mem.heap - previous.mem.heap) / (level - previous.level),
    setup,
  };
  const gc = await m.afterGc();
  if (gc && idleGc) {
    point.settled = {
      rssBytes: gc.rss,
      heapUsedBytes: gc.heap,
      rssPerConnection: (gc.rss - idleGc.rss) / level,
      heapPerConnection: (gc.heap - idleGc.heap) / level,
    };
  }
  return { point, mem };
}

/** The progress line of one level. */
function levelLine(point: MemoryPoint, mem: Settled): string {
  const { setup } = point;
  return (
    `connections: ${point.connections} open (${setup.failed} failed): rss ${(mem.rss / 1e6).toFixed(1)} MB, ` +
    `${(point.rssPerConnection / 1024).toFixed(1)} KB/conn, heap ${(point.heapPerConnection / 1024).toFixed(1)} KB/conn, ` +
    `${setup.connectsPerSec.toFixed(0)} connects/s` +
    (point.settled
      ? `; after a full GC: ${(point.settled.rssPerConnection / 1024).toFixed(1)} KB/conn rss, ` +
        `${(point.settled.heapPerConnection / 1024).toFixed(1)} KB/conn heap`
      : '')
  );
}

/**
 * What a connection holds: heap snapshots (they force a full GC and inflate RSS, so they come
 * after every memory sample). Every socket closes and the gateway settles (no disconnect work
 * in flight), a snapshot; then `count` new users connect, a snapshot.
 */
async function heapPerConnection(
  m: Measured,
  count: number,
  dir: string,
): Promise<ConnectionsResult['heap']> {
  await m.generator.call('closeAll', {});
  await waitQuiet({ gateway: m.pid }, 30_000);
  await sleep(m.settle.pauseMs);
  const without = await snapshotTotals(m.pid, dir);
  await m.generator.call('connectIdle', {
    target: m.url,
    count,
    runTag: m.runTag,
    concurrency: m.concurrency,
  });
  await waitQuiet({ gateway: m.pid }, 30_000);
  await sleep(m.settle.pauseMs);
  const withSockets = await snapshotTotals(m.pid, dir);
  if (!withSockets || !without || count <= 0) return undefined;
  const growth = heapGrowth(without, withSockets, count);
  return { connections: count, totalPerConnection: growth.totalPerUnit, kinds: growth.kinds };
}

/**
 * Memory per idle authenticated connection: a fresh gateway replica on the cluster's Redis and
 * DynamoDB; new guest users each open one socket and stay idle; RSS (from /proc) and V8 heap
 * used (the gateway's /metrics) at 0 and then at each level.
 */
export async function measureConnections(
  cluster: Cluster,
  dataDir: string,
  levels: readonly number[],
  concurrency: number,
  runTag: string,
  log: (line: string) => void,
  settle = { pauseMs: 8000, samples: 8 },
): Promise<ConnectionsResult> {
  const snapshots = path.join(dataDir, 'heap-snapshots');
  mkdirSync(snapshots, { recursive: true });
  const replica = await startReplica(cluster.env, dataDir, {}, [
    '--heapsnapshot-signal=SIGUSR2',
    `--diagnostic-dir=${snapshots}`,
    '--inspect=127.0.0.1:0',
  ]);
  const generator = LoadGenerator.start('idle-connections');
  const inspectorAt = inspectorUrl(replica.proc.logs());
  const inspector = inspectorAt ? await InspectorSession.connect(inspectorAt) : undefined;
  try {
    const pid = replica.proc.pid ?? 0;
    const url = replica.url;
    const m: Measured = {
      pid,
      url,
      generator,
      concurrency,
      runTag,
      settle,
      afterGc: afterGcOf(inspector, pid),
    };
    // Warm the code paths (auth, join, presence) with a few connections, then measure at 0.
    await generator.call('connectIdle', {
      target: url,
      count: 20,
      runTag: `${runTag}w`,
      concurrency,
    });
    await generator.call('closeAll', {});
    await sleep(settle.pauseMs);
    const idle = await settledMemory(pid, url, settle.samples);
    const idleGc = await m.afterGc();
    log(`connections: idle gateway rss ${(idle.rss / 1e6).toFixed(1)} MB`);
    const points: MemoryPoint[] = [];
    let previous = { mem: idle, level: 0 };
    for (const level of levels) {
      const { point, mem } = await measureLevel(
        m,
        level,
        previous.level,
        { idle, idleGc },
        previous,
      );
      previous = { mem, level };
      points.push(point);
      log(levelLine(point, mem));
    }
    const heap = await heapPerConnection(m, levels[0] ?? 0, snapshots);
    await generator.call('closeAll', {});
    await replica.proc.stop();
    const relay = await relayMemory(generator, levels.at(-1) ?? 0, concurrency, runTag, settle);
    log(
      `connections: baseline relay at ${relay.connections}: ${(relay.rssPerConnection / 1024).toFixed(1)} KB/conn RSS, ` +
        `${(relay.heapPerConnection / 1024).toFixed(1)} KB/conn heap`,
    );
    return {
      relay,
      idle: {
        rssBytes: idle.rss,
        heapUsedBytes: idle.heap,
        heapTotalBytes: idle.heapTotal,
        externalBytes: idle.external,
      },
      levels: points,
      concurrency,
      ...(heap && { heap }),
    };
  } finally {
    await inspector?.close();
    await generator.call('closeAll', {}).catch(() => undefined);
    await generator.stop();
    await replica.proc.stop();
  }
}
