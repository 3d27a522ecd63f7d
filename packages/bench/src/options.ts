import path from 'node:path';
import { tmpdir } from 'node:os';
import { REPO_ROOT } from './infra/servers.js';
import { readFlags } from './cli-args.js';

export const SCENARIOS = [
  'fanout',
  'changes',
  'persistence',
  'history',
  'connections',
  'profile',
  'embedded',
  'uploads',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface BenchOptions {
  mode: 'full' | 'quick';
  scenarios: ReadonlySet<Scenario>;
  /** Markdown report; the plot is written next to it. */
  out: string;
  plot: string;
  /** Exit non-zero unless every scenario produced numbers (the CI check of the harness). */
  check: boolean;
  keepData: boolean;
  /** Render the report of this raw results file instead of running. */
  reportOnly?: string;
  rooms: number;
  members: number;
  /** Offered send rates of the fan-out ramps (messages/s). */
  rates: number[];
  stepMs: number;
  drainMs: number;
  /** Pause between steps. */
  settleMs: number;
  persistence: {
    /** Steady rate of the lag measurement; at most half the highest rate ours sustained. */
    rate: number;
    durationMs: number;
    trackRooms: number;
    /** Backlog for the sink, sent at most at the highest rate ours sustained. */
    backlogMessages: number;
    backlogRate: number;
    /** The backlog is sent for at most this long (fewer messages if the rate is low). */
    backlogMaxMs: number;
  };
  history: { targetMessages: number; samples: number };
  /** Cumulative idle connection counts measured in turn. */
  connections: number[];
  connectConcurrency: number;
  profileMs: number;
  /** Run the one-process relay beside the embedded ramp. */
  embeddedBaseline: boolean;
}

const FULL: Omit<BenchOptions, 'scenarios' | 'out' | 'plot' | 'check' | 'keepData' | 'reportOnly'> =
  {
    mode: 'full',
    rooms: 50,
    members: 10,
    rates: [250, 500, 1000, 1500, 2000, 3000, 4000, 5000],
    stepMs: 8000,
    drainMs: 8000,
    settleMs: 1000,
    persistence: {
      rate: 500,
      durationMs: 15_000,
      trackRooms: 3,
      backlogMessages: 20_000,
      backlogRate: 2000,
      backlogMaxMs: 20_000,
    },
    history: { targetMessages: 100_000, samples: 300 },
    connections: [1000, 5000],
    connectConcurrency: 50,
    profileMs: 10_000,
    embeddedBaseline: true,
  };

const QUICK: typeof FULL = {
  mode: 'quick',
  rooms: 5,
  members: 10,
  rates: [100, 300],
  stepMs: 1500,
  drainMs: 3000,
  settleMs: 200,
  persistence: {
    rate: 100,
    durationMs: 2000,
    trackRooms: 2,
    backlogMessages: 450,
    backlogRate: 300,
    backlogMaxMs: 1500,
  },
  history: { targetMessages: 2000, samples: 20 },
  connections: [50, 150],
  connectConcurrency: 25,
  profileMs: 1500,
  embeddedBaseline: false,
};

export const USAGE = `pnpm bench [-- options]
  --quick              small, fast run (< 2 min) that checks the harness; writes to a temp dir
  --check              exit non-zero unless every scenario produced numbers
  --only a,b           scenarios: ${SCENARIOS.join(', ')}
  --rates 500,1000     offered send rates of the fan-out ramps (msg/s)
  --step-ms N          duration of one ramp step
  --out FILE           markdown report (default docs/benchmarks.md; --quick: a temp dir)
  --keep-data          keep the data directory
  --report-only FILE   re-render the report from a raw results file (.results/latest-full.json)
`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  const flags = readFlags(
    argv,
    {
      quick: { type: 'boolean' },
      check: { type: 'boolean' },
      'keep-data': { type: 'boolean' },
      only: { type: 'string' },
      rates: { type: 'string' },
      'step-ms': { type: 'string' },
      out: { type: 'string' },
      'report-only': { type: 'string' },
    },
    USAGE,
  );
  const quick = flags.quick ?? false;
  const base = quick ? QUICK : FULL;
  const check = flags.check ?? false;
  const keepData = flags['keep-data'] ?? false;
  const { only, rates, out } = flags;
  const stepMs = flags['step-ms'];
  const reportOnly = flags['report-only'];
  const scenarios = new Set<Scenario>();
  for (const name of only ? only.split(',') : SCENARIOS) {
    if (!(SCENARIOS as readonly string[]).includes(name))
      throw new Error(`unknown scenario ${name}`);
    scenarios.add(name as Scenario);
  }
  const outFile = path.resolve(
    out ??
      (quick
        ? path.join(tmpdir(), `chat-bench-quick-${process.pid}`, 'benchmarks.md')
        : path.join(REPO_ROOT, 'docs/benchmarks.md')),
  );
  const parsedRates = rates?.split(',').map(Number);
  if (parsedRates?.some((r) => !Number.isFinite(r) || r <= 0)) throw new Error('bad --rates');
  const parsedStep = stepMs === undefined ? undefined : Number(stepMs);
  if (parsedStep !== undefined && !(parsedStep > 0)) throw new Error('bad --step-ms');
  return {
    ...base,
    scenarios,
    check,
    keepData,
    out: outFile,
    ...(reportOnly !== undefined && { reportOnly: path.resolve(reportOnly) }),
    plot: path.join(path.dirname(outFile), 'benchmarks-latency.svg'),
    rates: parsedRates ?? base.rates,
    stepMs: parsedStep ?? base.stepMs,
  };
}
