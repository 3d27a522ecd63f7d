/**
 * The soak: the local cluster (two gateway replicas, a sink), long-lived members chatting at a
 * steady rate, short-lived clients churning in another load-generator process, and every few
 * seconds each process's heap after a forced GC (over the inspector) and RSS.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoMessageStore } from '@chat/adapters';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { ChurnStats, StepResult } from '../generator/protocol.js';
import { Cleanup } from '../infra/cleanup.js';
import { machine } from '../infra/machine.js';
import { ForeignLoadSampler } from '../infra/proc.js';
import type { HeapTotals } from '../report/heap-snapshot.js';
import { waitSinkDrained } from '../scenarios/persistence/sink-metrics.js';
import { sleep } from '../stats.js';
import { BaseLoad } from './base-load.js';
import { startSoakLoad, type SoakEnv } from './load.js';
import type { SoakOptions } from './options.js';
import type { ChurnPoint, ProcessSeries, SoakResults, SoakStep, StorageCheck } from './results.js';
import { sampleIdle, Sampler, waitConnectionsBack } from './sampler.js';
import { recordSnapshotGrowth, snapshotGateways } from './snapshots.js';
import { checkStorage } from './storage-check.js';

/** What the run has recorded so far: all of it is reported, also when a phase fails. */
interface SoakRecord {
  processes: ProcessSeries[];
  steps: SoakStep[];
  churnPoints: ChurnPoint[];
  churn?: ChurnStats;
  storage?: StorageCheck;
  setupMs: number;
  churnPool: number;
  loadS: number;
}

const message = (error: unknown) =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);

/** A progress line: the step just run, the churn so far, each process's last heap after GC. */
function progressLine(elapsedMs: number, r: StepResult, record: SoakRecord): string {
  const heaps = record.processes
    .map((p) => {
      const s = p.samples.at(-1);
      return s?.heapUsed === undefined
        ? undefined
        : `${p.name} ${(s.heapUsed / 2 ** 20).toFixed(1)}`;
    })
    .filter(Boolean)
    .join(', ');
  const c = record.churnPoints.at(-1);
  return (
    `${(elapsedMs / 1000).toFixed(0).padStart(4)} s: step acked ${r.acked}/${r.sent}, ` +
    `lost ${r.lost}, dup ${r.duplicates}, p50 ${r.latency.p50.toFixed(1)} ` +
    `p99 ${r.latency.p99.toFixed(1)} ms; churn ${c?.completed ?? 0} sessions; ` +
    `heap after GC (MiB) ${heaps}`
  );
}

/** The base load and the churn for the run's duration, sampled throughout; then the churn stops. */
async function runLoad(env: SoakEnv, record: SoakRecord) {
  const { options, log, watched } = env;
  await sleep(2000);
  await sampleIdle(watched, 'idleBefore', performance.now());
  const t0 = performance.now();
  const elapsed = () => performance.now() - t0;
  const sampler = new Sampler(watched, env.churn, t0, options.sampleMs);
  record.churnPoints = sampler.churnPoints;
  sampler.start();
  await env.churn.call('startChurn', env.churnArgs);
  log(
    `load: ${options.rate} msg/s from the long-lived members, ${options.churn.sessionsPerSec} ` +
      `churn sessions/s, for ${(options.durationMs / 60_000).toFixed(1)} min ` +
      `(warm-up ${(options.warmupMs / 60_000).toFixed(1)} min)`,
  );
  const baseLoad = new BaseLoad(env.base, env.setup.roomIds.length, options.rate, options.stepMs);
  record.steps = baseLoad.steps;
  let warmSnapshots: Map<string, HeapTotals> | undefined;
  let lastLog = -Infinity;
  while (elapsed() < options.durationMs) {
    const r = await baseLoad.step(elapsed() / 1000, options.durationMs - elapsed());
    if (elapsed() - lastLog > 30_000 || options.mode === 'quick') {
      lastLog = elapsed();
      log(progressLine(elapsed(), r, record));
    }
    if (options.snapshots && !warmSnapshots && elapsed() >= options.warmupMs) {
      warmSnapshots = await snapshotGateways(env, sampler, 'warm-up-end', false);
    }
  }
  record.loadS = elapsed() / 1000;
  await sampler.stop();
  if (warmSnapshots) {
    const end = await snapshotGateways(env, sampler, 'end', true);
    recordSnapshotGrowth(record.processes, warmSnapshots, end);
  }
  log('stopping the churn');
  const churn = await env.churn.call('stopChurn', { drainMs: 20_000 });
  record.churn = churn;
  await sleep(2000);
  await baseLoad.recountPrevious();
  return { acked: baseLoad.acked, churn, t0 };
}

/** The sink catches up, the gateways go idle again, and every long-lived room is read back. */
async function checkAfterLoad(
  env: SoakEnv,
  record: SoakRecord,
  { acked, churn, t0 }: Awaited<ReturnType<typeof runLoad>>,
): Promise<void> {
  env.log('waiting for the sink to store everything, then reading the rooms back');
  const sinkDrainMs = await waitSinkDrained(env.cluster, 300_000);
  // Idle again: only the long-lived members connected, as before the load.
  await waitConnectionsBack(env.watched, 15_000);
  await sleep(2000);
  await sampleIdle(env.watched, 'idleAfter', t0);
  const dynamo = new DynamoDBClient({
    region: 'local',
    endpoint: env.cluster.dynamoEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  env.cleanup.defer('dynamo client', () => Promise.resolve(dynamo.destroy()));
  record.storage = {
    ...(await checkStorage(
      new DynamoMessageStore(dynamo),
      env.setup.roomIds,
      acked,
      churn.visitMessagesAcked,
    )),
    sinkDrainMs,
  };
}

/** A data directory (removed at the end unless `--keep-data`) and the Ctrl-C handler. */
function prepare(options: SoakOptions, log: (line: string) => void) {
  const cleanup = new Cleanup();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chat-soak-'));
  cleanup.defer('data', () => {
    if (options.keepData) log(`data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
    return Promise.resolve();
  });
  const state = { interrupted: false };
  const onSignal = (signal: NodeJS.Signals) => {
    state.interrupted = true;
    log(`${signal}: stopping everything started`);
    void cleanup.all(log).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const release = async () => {
    await cleanup.all(log);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
  return { cleanup, dataDir, release, state };
}

export async function runSoak(
  options: SoakOptions,
  log: (line: string) => void,
): Promise<SoakResults> {
  const started = Date.now();
  const loadavgStart = loadavg();
  const foreign = new ForeignLoadSampler();
  foreign.start();
  const { cleanup, dataDir, release, state } = prepare(options, log);
  const errors: SoakResults['errors'] = [];
  const record: SoakRecord = {
    processes: [],
    steps: [],
    churnPoints: [],
    setupMs: 0,
    churnPool: 0,
    loadS: 0,
  };
  try {
    const env = await startSoakLoad(options, log, cleanup, dataDir, (watched) =>
      record.processes.push(...watched.map((w) => w.series)),
    );
    record.setupMs = env.setup.setupMs;
    record.churnPool = env.churnPool;
    await checkAfterLoad(env, record, await runLoad(env, record));
  } catch (error) {
    log(`soak FAILED: ${message(error)}`);
    errors.push({ what: 'soak', message: message(error) });
  } finally {
    await release();
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
  const { processes, steps, churn, churnPoints, storage, setupMs, churnPool, loadS } = record;
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
      ...(state.interrupted ? { interrupted: true } : {}),
    },
    processes,
    steps,
    ...(churn && { churn }),
    churnPoints,
    ...(storage && { storage }),
    errors,
  };
}
