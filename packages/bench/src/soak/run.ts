/**
 * The soak: the local cluster (two gateway replicas, a sink), long-lived members chatting at a
 * steady rate, short-lived clients churning in another load-generator process, and every few
 * seconds each process's heap after a forced GC (over the inspector) and RSS.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoMessageStore } from '@chat/adapters';
import { freePort, startCluster, type ManagedProcess } from '@chat/local-cluster';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { LoadGenerator } from '../generator/handle.js';
import type { ChurnStats } from '../generator/protocol.js';
import { Cleanup } from '../infra/cleanup.js';
import { cpuSeconds, ForeignLoadSampler, rssBytes, type ForeignLoad } from '../infra/proc.js';
import { fetchText, metricValue, NO_RATE_LIMITS } from '../infra/servers.js';
import {
  heapGrowth,
  readHeapSnapshot,
  type HeapGrowth,
  type HeapTotals,
} from '../report/heap-snapshot.js';
import { machine, type Machine } from '../infra/machine.js';
import { waitSinkDrained } from '../scenarios/persistence/sink-metrics.js';
import { nextStepNumber } from '../scenarios/ramp.js';
import { pool, sleep } from '../stats.js';
import { inspectorUrl, InspectorSession } from './inspector.js';
import type { SoakOptions } from './options.js';

/** One look at one process. */
export interface ProcSample {
  /** Seconds since the load started. */
  t: number;
  rssBytes?: number;
  /** `process.memoryUsage()` right after a forced full GC. */
  heapUsed?: number;
  heapTotal?: number;
  external?: number;
  arrayBuffers?: number;
  /** The forced GC's round trip, ms. */
  gcMs?: number;
  /** `nodejs_heap_size_used_bytes` of `/metrics`, before the GC (what a dashboard shows). */
  heapUsedNoGc?: number;
  /** `nodejs_eventloop_lag_p99_seconds` of `/metrics`, in ms: how late timers fire. */
  eventLoopLagP99Ms?: number;
  /** `chat_socket_connections` (gateways). */
  connections?: number;
  /** `process.getActiveResourcesInfo()` by type: timers (`Timeout`), sockets, … */
  resources?: Record<string, number>;
  /** CPU since the previous sample, % of one core. */
  cpuPct?: number;
}

export interface ProcessSeries {
  name: string;
  kind: 'gateway' | 'sink';
  samples: ProcSample[];
  sampleErrors: number;
  /** Before the load (long-lived members connected) and after it (churn gone, settled). */
  idleBefore?: ProcSample;
  idleAfter?: ProcSample;
  /** Heap growth by object kind between the snapshots (`--snapshots`). */
  snapshotGrowth?: { totalBytes: number; kinds: HeapGrowth[] };
}

/** One base-load step, as counted at the end (late deliveries included). */
export interface SoakStep {
  /** Seconds since the load started, at the step's start. */
  t: number;
  sent: number;
  acked: number;
  ackErrors: number;
  ackErrorCodes: Record<string, number>;
  expected: number;
  delivered: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  misrouted: number;
  disconnects: number;
  p50: number;
  p99: number;
  max: number;
  deliveredPerSec: number;
}

export interface StorageCheck {
  /** Acked base-load messages looked for. */
  acked: number;
  stored: number;
  missing: number;
  /** Base-load messages stored under more than one seq (extra copies). */
  storedTwice: number;
  /** Churn messages sent into the long-lived rooms: acked, and distinct ones stored. */
  churnAcked: number;
  churnStored: number;
  churnStoredTwice: number;
  /** Until the sink had nothing pending after the load, ms. */
  sinkDrainMs: number;
  readMs: number;
}

export interface ChurnPoint {
  t: number;
  sessions: number;
  completed: number;
}

export interface SoakResults {
  meta: {
    startedAt: string;
    durationS: number;
    loadS: number;
    mode: SoakOptions['mode'];
    command: string;
    machine: Machine;
    loadavgStart: number[];
    loadavgEnd: number[];
    foreign: ForeignLoad;
    options: Omit<SoakOptions, 'out' | 'plot' | 'linkFrom' | 'raw' | 'reportOnly' | 'keepData'>;
    setupMs: number;
    churnPool: number;
    /** Stopped by SIGINT / SIGTERM: no report is written. */
    interrupted?: boolean;
  };
  processes: ProcessSeries[];
  steps: SoakStep[];
  churn?: ChurnStats;
  churnPoints: ChurnPoint[];
  storage?: StorageCheck;
  errors: { what: string; message: string }[];
}

interface Watched {
  series: ProcessSeries;
  proc: ManagedProcess;
  metricsUrl: string;
  session?: InspectorSession;
  lastCpu?: { at: number; cpu: number };
}

const message = (error: unknown) =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);

async function sampleProcess(w: Watched, t0: number): Promise<ProcSample> {
  const pid = w.proc.pid;
  if (pid === undefined || !w.proc.running) throw new Error(`${w.series.name} is not running`);
  const sample: ProcSample = { t: 0 };
  const text = await fetchText(w.metricsUrl).catch(() => '');
  sample.heapUsedNoGc = metricValue(text, 'nodejs_heap_size_used_bytes');
  const lag = metricValue(text, 'nodejs_eventloop_lag_p99_seconds');
  if (lag !== undefined) sample.eventLoopLagP99Ms = lag * 1000;
  sample.connections = metricValue(text, 'chat_socket_connections');
  if (w.session) {
    const gc = await w.session.afterGc();
    sample.gcMs = gc.gcMs;
    sample.heapUsed = gc.memory.heapUsed;
    sample.heapTotal = gc.memory.heapTotal;
    sample.external = gc.memory.external;
    sample.arrayBuffers = gc.memory.arrayBuffers;
    sample.resources = gc.resources;
  }
  const now = performance.now();
  sample.t = (now - t0) / 1000;
  sample.rssBytes = rssBytes(pid);
  const cpu = cpuSeconds(pid);
  if (cpu !== undefined && w.lastCpu) {
    sample.cpuPct = ((cpu - w.lastCpu.cpu) / ((now - w.lastCpu.at) / 1000)) * 100;
  }
  if (cpu !== undefined) w.lastCpu = { at: now, cpu };
  return sample;
}

/** Samples every watched process, one after the other, every `sampleMs` until stopped. */
class Sampler {
  private stopped = false;
  private loop: Promise<void> | undefined;
  /** Sampling waits while a heap snapshot is being taken. */
  paused: Promise<void> = Promise.resolve();
  readonly churnPoints: ChurnPoint[] = [];

  constructor(
    private readonly watched: readonly Watched[],
    private readonly churn: LoadGenerator,
    private readonly t0: number,
    private readonly sampleMs: number,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const started = performance.now();
      await this.sampleAll();
      const next = started + this.sampleMs;
      while (!this.stopped && performance.now() < next) {
        await sleep(Math.min(200, next - performance.now()));
      }
    }
  }

  async sampleAll(): Promise<void> {
    await this.paused;
    // In parallel: the processes are seen at (nearly) the same moment.
    await Promise.all(
      this.watched.map((w) =>
        sampleProcess(w, this.t0).then(
          (sample) => void w.series.samples.push(sample),
          () => void w.series.sampleErrors++,
        ),
      ),
    );
    const stats = await this.churn.call('churnStats', {}, 10_000).catch(() => undefined);
    if (stats) {
      this.churnPoints.push({
        t: (performance.now() - this.t0) / 1000,
        sessions: stats.sessions,
        completed: stats.completed,
      });
    }
  }

  /** Stops the loop, then takes one last sample of everything. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.sampleAll();
  }
}

/** Reads every stored message of the long-lived rooms and looks for each acked one. */
async function checkStorage(
  store: DynamoMessageStore,
  roomIds: readonly string[],
  acked: ReadonlyMap<number, number[]>,
  churnAcked: number,
): Promise<Omit<StorageCheck, 'sinkDrainMs'>> {
  const started = performance.now();
  let ackedCount = 0;
  let stored = 0;
  let storedTwice = 0;
  let churnStored = 0;
  let churnStoredTwice = 0;
  await pool([...roomIds.entries()], 4, async ([r, roomId]) => {
    const baseSeqs = new Set<number>();
    const baseKeys = new Map<string, number>();
    const churnKeys = new Map<string, number>();
    for (let after = 0; ;) {
      const page = await store.page(roomId, { after, limit: 100 });
      for (const m of page) {
        // `b <step> <k> …` from the base load, `c <session> <m> …` from the churn.
        const [kind, a, b] = m.content.split(' ', 3);
        const key = `${a} ${b}`;
        if (kind === 'b') {
          baseSeqs.add(m.seq);
          baseKeys.set(key, (baseKeys.get(key) ?? 0) + 1);
        } else if (kind === 'c') churnKeys.set(key, (churnKeys.get(key) ?? 0) + 1);
      }
      const last = page.at(-1);
      if (!last || page.length < 100) break;
      after = last.seq;
    }
    const seqs = acked.get(r) ?? [];
    ackedCount += seqs.length;
    stored += seqs.filter((seq) => baseSeqs.has(seq)).length;
    for (const n of baseKeys.values()) storedTwice += n - 1;
    churnStored += churnKeys.size;
    for (const n of churnKeys.values()) churnStoredTwice += n - 1;
  });
  return {
    acked: ackedCount,
    stored,
    missing: ackedCount - stored,
    storedTwice,
    churnAcked,
    churnStored,
    churnStoredTwice,
    readMs: performance.now() - started,
  };
}

export async function runSoak(
  options: SoakOptions,
  log: (line: string) => void,
): Promise<SoakResults> {
  const started = Date.now();
  const loadavgStart = loadavg();
  const foreign = new ForeignLoadSampler();
  foreign.start();
  const cleanup = new Cleanup();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chat-soak-'));
  cleanup.defer('data', () => {
    if (options.keepData) log(`data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
    return Promise.resolve();
  });
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = true;
    log(`${signal}: stopping everything started`);
    void cleanup.all(log).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const errors: SoakResults['errors'] = [];
  const processes: ProcessSeries[] = [];
  const steps: SoakStep[] = [];
  let churnPoints: ChurnPoint[] = [];
  let churn: ChurnStats | undefined;
  let storage: StorageCheck | undefined;
  let setupMs = 0;
  let churnPool = 0;
  let loadS = 0;
  try {
    log('starting the local cluster (redis-server, dynalite, 2 gateways, sink, nginx)');
    const ports = [await freePort(), await freePort()];
    const cluster = await startCluster({
      port: await freePort(),
      gatewayPorts: ports,
      dataDir: path.join(dataDir, 'cluster'),
      webDist: path.join(dataDir, 'no-web-build'),
      // The inspector on a free loopback port: the harness forces GCs and reads the heap
      // through it (no code change in the processes).
      env: { ...NO_RATE_LIMITS, NODE_OPTIONS: '--inspect=127.0.0.1:0' },
    });
    cleanup.defer('cluster', () => cluster.stop());
    const gatewayUrls = ports.map((p) => `http://127.0.0.1:${p}`);
    const watched: Watched[] = [];
    ports.forEach((port, i) => {
      const proc = cluster.gateways.get(port);
      if (proc) {
        watched.push({
          series: { name: `gateway ${i + 1}`, kind: 'gateway', samples: [], sampleErrors: 0 },
          proc,
          metricsUrl: `${gatewayUrls[i] ?? ''}/metrics`,
        });
      }
    });
    const sink = cluster.sinks[0];
    if (sink) {
      watched.push({
        series: { name: 'sink', kind: 'sink', samples: [], sampleErrors: 0 },
        proc: sink,
        metricsUrl: `${cluster.sinkHealthUrls[0] ?? ''}/metrics`,
      });
    }
    processes.push(...watched.map((w) => w.series));
    // Closed before the cluster stops (cleanup runs newest first): an attached inspector
    // could hold a process's exit.
    cleanup.defer('inspector sessions', async () => {
      for (const w of watched) await w.session?.close();
    });
    for (const w of watched) {
      const url = inspectorUrl(w.proc.logs());
      if (url) w.session = await InspectorSession.connect(url);
      else if (w.series.kind === 'gateway')
        throw new Error(`no inspector URL from ${w.series.name}`);
    }

    const runTag = `s${Date.now().toString(36).slice(-5)}`;
    const base = LoadGenerator.start('soak-base');
    cleanup.defer('base generator', () => base.stop());
    const setup = await base.call('setupChat', {
      targets: gatewayUrls,
      rooms: options.rooms,
      members: options.members,
      runTag,
      probeName: `${runTag}probe`,
    });
    setupMs = setup.setupMs;
    log(
      `${options.rooms} rooms × ${options.members} long-lived members over 2 replicas ` +
        `in ${(setup.setupMs / 1000).toFixed(1)} s`,
    );
    const churnGen = LoadGenerator.start('soak-churn');
    cleanup.defer('churn generator', () => churnGen.stop());
    const poolSetup = await churnGen.call('setupChurn', {
      targets: gatewayUrls,
      runTag,
      poolSize: options.churn.poolSize,
      roomIds: setup.roomIds,
      inviterToken: setup.probeToken,
    });
    churnPool = poolSetup.pool;
    log(`${poolSetup.pool} churn users signed in and invited to the long-lived rooms`);

    const idle = async (into: 'idleBefore' | 'idleAfter', t0: number) => {
      await Promise.all(
        watched.map(async (w) => {
          const sample = await sampleProcess(w, t0).catch(() => undefined);
          if (sample) w.series[into] = sample;
        }),
      );
    };
    await sleep(2000);
    await idle('idleBefore', performance.now());

    const t0 = performance.now();
    const elapsed = () => performance.now() - t0;
    const sampler = new Sampler(watched, churnGen, t0, options.sampleMs);
    churnPoints = sampler.churnPoints;
    sampler.start();
    const churnArgs = {
      sessionsPerSec: options.churn.sessionsPerSec,
      signinsPerSec: options.churn.signinsPerSec,
      messagesPerSession: options.churn.messagesPerSession,
      pauseMs: options.churn.pauseMs,
    };
    await churnGen.call('startChurn', churnArgs);
    log(
      `load: ${options.rate} msg/s from the long-lived members, ${options.churn.sessionsPerSec} ` +
        `churn sessions/s, for ${(options.durationMs / 60_000).toFixed(1)} min ` +
        `(warm-up ${(options.warmupMs / 60_000).toFixed(1)} min)`,
    );

    const snapshotDir = path.join(dataDir, 'heap-snapshots');
    const snapshot = async (label: string, last: boolean): Promise<Map<string, HeapTotals>> => {
      mkdirSync(snapshotDir, { recursive: true });
      const totals = new Map<string, HeapTotals>();
      let release = () => undefined as void;
      sampler.paused = new Promise<void>((resolve) => (release = resolve));
      // A snapshot stops the gateway for seconds: no churn (it would only time out) meanwhile.
      await churnGen.call('stopChurn', { drainMs: 20_000 });
      try {
        for (const w of watched) {
          if (w.series.kind !== 'gateway' || !w.session) continue;
          const file = path.join(
            snapshotDir,
            `${w.series.name.replace(' ', '-')}-${label}.heapsnapshot`,
          );
          const t = performance.now();
          await w.session.heapSnapshot(file);
          totals.set(w.series.name, readHeapSnapshot(file));
          rmSync(file, { force: true });
          log(
            `heap snapshot of ${w.series.name} (${label}) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
          );
        }
      } finally {
        release();
        if (!last) await churnGen.call('startChurn', churnArgs);
      }
      return totals;
    };

    const acked = new Map<number, number[]>();
    const trackRooms = setup.roomIds.map((_, i) => i);
    let warmSnapshots: Map<string, HeapTotals> | undefined;
    let lastLog = -Infinity;
    const finalCount = async (step: SoakStep, stepNo: number) => {
      const [recount] = await base.call('recount', { steps: [stepNo] });
      if (!recount) return;
      step.lost = recount.lost;
      step.delivered = step.expected - recount.lost;
      step.duplicates = recount.duplicates;
    };
    let previous: { step: SoakStep; stepNo: number } | undefined;
    while (elapsed() < options.durationMs) {
      const remaining = options.durationMs - elapsed();
      const stepNo = nextStepNumber();
      const t = elapsed() / 1000;
      const r = await base.call('step', {
        step: stepNo,
        rate: options.rate,
        durationMs: Math.max(1000, Math.min(options.stepMs, remaining)),
        drainMs: 5000,
        trackRooms,
      });
      for (const a of r.acks) {
        const list = acked.get(a.room) ?? [];
        list.push(a.seq);
        acked.set(a.room, list);
      }
      const step: SoakStep = {
        t,
        sent: r.sent,
        acked: r.acked,
        ackErrors: r.ackErrors,
        ackErrorCodes: r.ackErrorCodes,
        expected: r.expected,
        delivered: r.delivered,
        lost: r.lost,
        duplicates: r.duplicates,
        outOfOrder: r.outOfOrder,
        misrouted: r.misrouted,
        disconnects: r.disconnects,
        p50: r.latency.p50,
        p99: r.latency.p99,
        max: r.latency.max,
        deliveredPerSec: r.deliveredPerSec,
      };
      steps.push(step);
      // The previous step's final count: deliveries that arrived during this one included.
      if (previous) await finalCount(previous.step, previous.stepNo);
      previous = { step, stepNo };
      if (elapsed() - lastLog > 30_000 || options.mode === 'quick') {
        lastLog = elapsed();
        const heaps = processes
          .map((p) => {
            const s = p.samples.at(-1);
            return s?.heapUsed === undefined
              ? undefined
              : `${p.name} ${(s.heapUsed / 2 ** 20).toFixed(1)}`;
          })
          .filter(Boolean)
          .join(', ');
        const c = churnPoints.at(-1);
        log(
          `${(elapsed() / 1000).toFixed(0).padStart(4)} s: step acked ${r.acked}/${r.sent}, ` +
            `lost ${r.lost}, dup ${r.duplicates}, p50 ${r.latency.p50.toFixed(1)} ` +
            `p99 ${r.latency.p99.toFixed(1)} ms; churn ${c?.completed ?? 0} sessions; ` +
            `heap after GC (MiB) ${heaps}`,
        );
      }
      if (options.snapshots && !warmSnapshots && elapsed() >= options.warmupMs) {
        warmSnapshots = await snapshot('warm-up-end', false);
      }
    }
    loadS = elapsed() / 1000;
    await sampler.stop();
    if (warmSnapshots) {
      const endSnapshots = await snapshot('end', true);
      for (const p of processes) {
        const before = warmSnapshots.get(p.name);
        const after = endSnapshots.get(p.name);
        if (!before || !after) continue;
        const growth = heapGrowth(before, after, 1, 20);
        p.snapshotGrowth = { totalBytes: growth.totalPerUnit, kinds: growth.kinds };
      }
    }
    log('stopping the churn');
    churn = await churnGen.call('stopChurn', { drainMs: 20_000 });
    await sleep(2000);
    if (previous) await finalCount(previous.step, previous.stepNo);

    log('waiting for the sink to store everything, then reading the rooms back');
    const sinkDrainMs = await waitSinkDrained(cluster, 300_000);
    // Idle again: only the long-lived members connected, as before the load.
    const baseline = (w: Watched) => w.series.idleBefore?.connections;
    const settled = performance.now() + 15_000;
    while (performance.now() < settled) {
      const now = await Promise.all(
        watched
          .filter((w) => w.series.kind === 'gateway')
          .map(
            async (w) =>
              metricValue(await fetchText(w.metricsUrl), 'chat_socket_connections') === baseline(w),
          ),
      ).catch(() => [false]);
      if (now.every(Boolean)) break;
      await sleep(250);
    }
    await sleep(2000);
    await idle('idleAfter', t0);
    const dynamo = new DynamoDBClient({
      region: 'local',
      endpoint: cluster.dynamoEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    cleanup.defer('dynamo client', () => Promise.resolve(dynamo.destroy()));
    storage = {
      ...(await checkStorage(
        new DynamoMessageStore(dynamo),
        setup.roomIds,
        acked,
        churn.visitMessagesAcked,
      )),
      sinkDrainMs,
    };
  } catch (error) {
    log(`soak FAILED: ${message(error)}`);
    errors.push({ what: 'soak', message: message(error) });
  } finally {
    await cleanup.all(log);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  const {
    out: _o,
    plot: _p,
    linkFrom: _l,
    raw: _raw,
    reportOnly: _r,
    keepData: _k,
    ...kept
  } = options;
  return {
    meta: {
      startedAt: new Date(started).toISOString(),
      durationS: (Date.now() - started) / 1000,
      loadS,
      mode: options.mode,
      command: `pnpm soak ${process.argv.slice(2).join(' ')}`.trim(),
      machine: machine(),
      loadavgStart,
      loadavgEnd: loadavg(),
      foreign: foreign.stop(),
      options: kept,
      setupMs,
      churnPool,
      ...(interrupted ? { interrupted: true } : {}),
    },
    processes,
    steps,
    ...(churn && { churn }),
    churnPoints,
    ...(storage && { storage }),
    errors,
  };
}
