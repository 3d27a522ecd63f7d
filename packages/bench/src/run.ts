import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { SetupResult } from './generator/protocol.js';
import { Cleanup } from './infra/cleanup.js';
import { git, machine, type Machine } from './infra/machine.js';
import { ForeignLoadSampler, type ForeignLoad } from './infra/proc.js';
import type { BenchOptions } from './options.js';
import type { ChangesResult } from './scenarios/changes.js';
import type { ConnectionsResult } from './scenarios/connections.js';
import type { HistoryResult } from './scenarios/history.js';
import type { PersistenceResult } from './scenarios/persistence/context.js';
import type { ProfileResult } from './scenarios/profile.js';
import type { RampResult } from './scenarios/ramp.js';
import type { UploadsResult } from './scenarios/uploads.js';
import { embeddedStage } from './stages/embedded.js';
import { scaledStage } from './stages/scaled.js';
import type { RunContext, StageRunner } from './stages/stage.js';
import { uploadsStage } from './stages/uploads.js';

export interface Meta {
  startedAt: string;
  durationS: number;
  mode: BenchOptions['mode'];
  commit: string;
  /** Tracked files with uncommitted changes when the run started (the code measured). */
  dirty: string[];
  command: string;
  machine: Machine;
  loadavgStart: number[];
  loadavgEnd: number[];
  foreign: ForeignLoad;
  rooms: number;
  members: number;
  stepMs: number;
  drainMs: number;
}

export interface RampPair {
  ours: RampResult;
  baseline?: RampResult;
  setup: SetupResult;
}

export interface BenchResults {
  meta: Meta;
  fanout?: RampPair;
  persistence?: Partial<PersistenceResult>;
  history?: HistoryResult;
  connections?: ConnectionsResult;
  profile?: ProfileResult;
  embedded?: RampPair;
  embeddedProfile?: ProfileResult;
  uploads?: UploadsResult;
  changes?: ChangesResult;
  errors: { scenario: string; message: string }[];
}

/** The stages in the order they run; each runs the scenarios of `--only` it holds. */
const STAGES: readonly StageRunner[] = [scaledStage, embeddedStage, uploadsStage];

/** A data directory (removed at the end unless `--keep-data`) and the Ctrl-C handler. */
function prepare(options: BenchOptions, log: (line: string) => void) {
  const cleanup = new Cleanup();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chat-bench-'));
  cleanup.defer('data', () => {
    if (options.keepData) log(`data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
    return Promise.resolve();
  });
  const onSignal = (signal: NodeJS.Signals) => {
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
  return { cleanup, dataDir, release };
}

/** Runs every selected scenario; never throws for a failing scenario (it is reported). */
export async function runBenchmarks(
  options: BenchOptions,
  log: (line: string) => void,
): Promise<BenchResults> {
  const started = Date.now();
  const dirty = git(['diff', '--name-only', 'HEAD'])
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const startedAt = new Date(started).toISOString();
  const loadavgStart = loadavg();
  const foreign = new ForeignLoadSampler();
  foreign.start();
  const { cleanup, dataDir, release } = prepare(options, log);
  const run: RunContext = {
    options,
    log,
    results: { errors: [] },
    cleanup,
    dataDir,
    runTag: `b${Date.now().toString(36).slice(-5)}`,
    ramp: {
      rates: options.rates,
      stepMs: options.stepMs,
      drainMs: options.drainMs,
      settleMs: options.settleMs,
      members: options.members,
    },
  };
  try {
    for (const stage of STAGES) await stage(run);
  } finally {
    await release();
  }
  const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  return {
    meta: {
      startedAt,
      durationS: (Date.now() - started) / 1000,
      mode: options.mode,
      commit,
      dirty,
      command: `node --import tsx src/main.ts ${process.argv.slice(2).join(' ')}`.trim(),
      machine: machine(),
      loadavgStart,
      loadavgEnd: loadavg(),
      foreign: foreign.stop(),
      rooms: options.rooms,
      members: options.members,
      stepMs: options.stepMs,
      drainMs: options.drainMs,
    },
    ...run.results,
  };
}
