import { tmpdir } from 'node:os';
import path from 'node:path';
import { PACKAGE_DIR, REPO_ROOT } from '../infra/servers.js';
import { readFlags } from '../cli-args.js';

export interface SoakOptions {
  mode: 'full' | 'quick';
  /** Load duration (warm-up included), ms. */
  durationMs: number;
  /** The first part of the load, left out of the growth verdict. */
  warmupMs: number;
  /** Heap at warm-up end / at the end: the median of the samples in the window before it. */
  windowMs: number;
  sampleMs: number;
  /** Long-lived members: `rooms` × `members`, alternating over the two replicas. */
  rooms: number;
  members: number;
  /** Base load, messages/s from the long-lived members, round-robin over rooms. */
  rate: number;
  /** The base load is sent in steps of this length, back to back (each checked). */
  stepMs: number;
  churn: {
    sessionsPerSec: number;
    signinsPerSec: number;
    poolSize: number;
    messagesPerSession: number;
    pauseMs: number;
  };
  /** Heap snapshots at warm-up end and at the end, compared by constructor. */
  snapshots: boolean;
  /** Growth of heap after GC past which the verdict fails (%). */
  maxGrowthPct: number;
  check: boolean;
  keepData: boolean;
  /** Markdown section (to paste into docs/reliability.md); the plot is referenced by name. */
  out: string;
  plot: string;
  /** The section links the plot relative to this directory (where it will be pasted). */
  linkFrom: string;
  raw: string;
  reportOnly?: string;
}

type Defaults = Omit<
  SoakOptions,
  'check' | 'keepData' | 'out' | 'plot' | 'linkFrom' | 'raw' | 'reportOnly'
>;

const MINUTE = 60_000;

const FULL: Defaults = {
  mode: 'full',
  durationMs: 10 * MINUTE,
  warmupMs: 2 * MINUTE,
  windowMs: 30_000,
  sampleMs: 5000,
  rooms: 10,
  members: 10,
  rate: 150,
  stepMs: 10_000,
  churn: {
    sessionsPerSec: 20,
    signinsPerSec: 1,
    poolSize: 120,
    messagesPerSession: 3,
    pauseMs: 250,
  },
  snapshots: false,
  maxGrowthPct: 5,
};

const QUICK: Defaults = {
  mode: 'quick',
  durationMs: 30_000,
  warmupMs: 10_000,
  windowMs: 8000,
  sampleMs: 2000,
  rooms: 4,
  members: 6,
  rate: 40,
  stepMs: 5000,
  churn: { sessionsPerSec: 8, signinsPerSec: 1, poolSize: 40, messagesPerSession: 2, pauseMs: 150 },
  snapshots: false,
  maxGrowthPct: 5,
};

export const USAGE = `pnpm soak [-- options]
  --minutes N          load duration, warm-up included (default 10)
  --warmup-minutes N   left out of the growth verdict (default 2)
  --quick              ~1 minute harness check (30 s of small load); writes to a temp dir
  --check              exit non-zero on a harness problem, a lost, duplicate or unstored message,
                       a failed churn session, or (full runs) heap growth over the limit
  --rate N             base load, messages/s (default 150)
  --churn N            short-lived client sessions started per second (default 20)
  --signins N          of those, new guest sign-ins per second (default 1)
  --sample-s N         seconds between samples (default 5)
  --snapshots          heap snapshots at warm-up end and at the end, compared by constructor
                       (each pauses a gateway for seconds and leaves its RSS higher)
  --out FILE           markdown section (default packages/bench/.results/soak.md)
  --plot FILE          the plot (default docs/soak.svg)
  --keep-data          keep the data directory
  --report-only FILE   re-render the section and plot from a raw results file
`;

/** A number > 0 from a flag's value, or undefined without the flag. */
function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`bad --${name} ${v}`);
  return n;
}

export function parseSoakOptions(argv: readonly string[]): SoakOptions {
  const flags = readFlags(
    argv,
    {
      quick: { type: 'boolean' },
      check: { type: 'boolean' },
      'keep-data': { type: 'boolean' },
      snapshots: { type: 'boolean' },
      minutes: { type: 'string' },
      'warmup-minutes': { type: 'string' },
      rate: { type: 'string' },
      churn: { type: 'string' },
      signins: { type: 'string' },
      'sample-s': { type: 'string' },
      out: { type: 'string' },
      plot: { type: 'string' },
      'report-only': { type: 'string' },
    },
    USAGE,
  );
  const quick = flags.quick ?? false;
  const base = quick ? QUICK : FULL;
  const check = flags.check ?? false;
  const keepData = flags['keep-data'] ?? false;
  const snapshots = flags.snapshots ?? false;
  const minutes = positive('minutes', flags.minutes);
  const warmup = flags['warmup-minutes'];
  const rate = positive('rate', flags.rate);
  const churn = positive('churn', flags.churn);
  const signins = flags.signins;
  const sampleS = positive('sample-s', flags['sample-s']);
  const { out, plot } = flags;
  const reportOnly = flags['report-only'];
  const durationMs = minutes === undefined ? base.durationMs : minutes * MINUTE;
  const warmupMs = warmup === undefined ? base.warmupMs : Number(warmup) * MINUTE;
  if (!(warmupMs >= 0) || warmupMs >= durationMs)
    throw new Error('the warm-up must be shorter than the run');
  const signinsPerSec = signins === undefined ? base.churn.signinsPerSec : Number(signins);
  if (!(signinsPerSec >= 0)) throw new Error(`bad --signins ${signins}`);
  const tmp = path.join(tmpdir(), `chat-soak-quick-${process.pid}`);
  const results = path.join(PACKAGE_DIR, '.results');
  return {
    ...base,
    durationMs,
    warmupMs,
    // Both windows fit after the warm-up started, whatever the durations asked for.
    windowMs: Math.min(base.windowMs, Math.max(warmupMs, 1000), durationMs - warmupMs),
    sampleMs: sampleS === undefined ? base.sampleMs : sampleS * 1000,
    rate: rate ?? base.rate,
    churn: {
      ...base.churn,
      sessionsPerSec: churn ?? base.churn.sessionsPerSec,
      signinsPerSec,
      // Enough users that a free one is there when a session is due (a session lasts ~1–3 s).
      poolSize: Math.max(base.churn.poolSize, Math.ceil((churn ?? 0) * 6)),
    },
    snapshots,
    check,
    keepData,
    out: path.resolve(out ?? (quick ? path.join(tmp, 'soak.md') : path.join(results, 'soak.md'))),
    // The default section goes into docs/reliability.md, next to docs/soak.svg.
    linkFrom:
      out !== undefined
        ? path.dirname(path.resolve(out))
        : quick
          ? tmp
          : path.join(REPO_ROOT, 'docs'),
    plot: path.resolve(
      plot ?? (quick ? path.join(tmp, 'soak.svg') : path.join(REPO_ROOT, 'docs/soak.svg')),
    ),
    raw: path.join(results, `soak-${base.mode}.json`),
    ...(reportOnly !== undefined && { reportOnly: path.resolve(reportOnly) }),
  };
}
