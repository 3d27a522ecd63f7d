/** The soak's numbers: each process at warm-up end and at the end, and the base load's totals. */
import { median, sampleCovariance, sampleVariance } from 'simple-statistics';
import type { ProcessSeries, ProcSample, SoakResults, SoakStep } from './results.js';

/** The median (the mean of the middle two for an even count), undefined for no values. */
function medianOf(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : median(values);
}

export type Field = (s: ProcSample) => number | undefined;

/** The sampled quantities the summary and the plot read, by name. */
export const FIELDS = {
  heap: (s) => s.heapUsed,
  rss: (s) => s.rssBytes,
  heapNoGc: (s) => s.heapUsedNoGc,
  external: (s) => s.external,
  timers: (s) => (s.resources ? (s.resources['Timeout'] ?? 0) : undefined),
  handles: (s) => (s.resources ? Object.values(s.resources).reduce((a, b) => a + b, 0) : undefined),
  connections: (s) => s.connections,
  gcMs: (s) => s.gcMs,
  cpu: (s) => s.cpuPct,
} satisfies Record<string, Field>;

/** Median of `field` over the samples with `from ≤ t ≤ to` (else the last sample before `to`). */
function windowMedian(samples: readonly ProcSample[], field: Field, from: number, to: number) {
  const values = samples
    .filter((s) => s.t >= from && s.t <= to)
    .map(field)
    .filter((v): v is number => v !== undefined);
  if (values.length > 0) return medianOf(values);
  const before = samples.filter((s) => s.t <= to && field(s) !== undefined).at(-1);
  return before && field(before);
}

/** Least-squares slope of `field` over the samples from `from` on, per second. */
function slope(samples: readonly ProcSample[], field: Field, from: number): number | undefined {
  const pts = samples
    .filter((s) => s.t >= from)
    .map((s) => [s.t, field(s)] as const)
    .filter((p): p is readonly [number, number] => p[1] !== undefined);
  if (pts.length < 3) return undefined;
  const xs = pts.map((p) => p[0]);
  const sxx = sampleVariance(xs);
  return sxx > 0
    ? sampleCovariance(
        xs,
        pts.map((p) => p[1]),
      ) / sxx
    : undefined;
}

export interface ProcessSummary {
  name: string;
  kind: ProcessSeries['kind'];
  samples: number;
  warm: Partial<Record<keyof typeof FIELDS, number>>;
  end: Partial<Record<keyof typeof FIELDS, number>>;
  heapGrowthPct?: number;
  rssGrowthPct?: number;
  /** Heap after GC, least-squares slope after the warm-up, bytes per hour. */
  heapSlopePerHour?: number;
  /** Heap growth divided by the churn sessions between the two windows. */
  heapPerSession?: number;
}

export interface SoakSummary {
  warmupS: number;
  windowS: number;
  loadS: number;
  processes: ProcessSummary[];
  sessionsAfterWarmup?: number;
  base: Omit<SoakStep, 't' | 'p50' | 'p99' | 'max' | 'deliveredPerSec' | 'ackErrorCodes'> & {
    ackErrorCodes: Record<string, number>;
    steps: number;
    p99Median?: number;
    p99Worst?: number;
    p50Median?: number;
  };
  /** Every gateway's heap after GC grew less than the limit (undefined: not judged). */
  pass?: boolean;
}

const growth = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || a === 0 ? undefined : ((b - a) / a) * 100;

/** The windows the summary compares: the last `windowS` of the warm-up and of the load. */
interface Windows {
  warmupS: number;
  windowS: number;
  loadS: number;
  /** Churn sessions completed after the warm-up (heap growth is divided by them). */
  sessionsAfterWarmup: number | undefined;
}

function summarizeProcess(p: ProcessSeries, windows: Windows): ProcessSummary {
  const { warmupS, windowS, loadS, sessionsAfterWarmup } = windows;
  const warm: ProcessSummary['warm'] = {};
  const end: ProcessSummary['end'] = {};
  for (const [key, field] of Object.entries(FIELDS) as [keyof typeof FIELDS, Field][]) {
    const w = windowMedian(p.samples, field, warmupS - windowS, warmupS);
    const e = windowMedian(p.samples, field, loadS - windowS, Number.POSITIVE_INFINITY);
    if (w !== undefined) warm[key] = w;
    if (e !== undefined) end[key] = e;
  }
  const heapSlope = slope(p.samples, FIELDS.heap, warmupS);
  const heapGrowthBytes =
    warm.heap === undefined || end.heap === undefined ? undefined : end.heap - warm.heap;
  const summary: ProcessSummary = {
    name: p.name,
    kind: p.kind,
    samples: p.samples.length,
    warm,
    end,
  };
  const hg = growth(warm.heap, end.heap);
  const rg = growth(warm.rss, end.rss);
  if (hg !== undefined) summary.heapGrowthPct = hg;
  if (rg !== undefined) summary.rssGrowthPct = rg;
  if (heapSlope !== undefined) summary.heapSlopePerHour = heapSlope * 3600;
  if (heapGrowthBytes !== undefined && sessionsAfterWarmup && p.kind === 'gateway') {
    summary.heapPerSession = heapGrowthBytes / sessionsAfterWarmup;
  }
  return summary;
}

/** The base load's steps added up; latencies as the median (and worst) over steps. */
function summarizeBase(steps: readonly SoakStep[]): SoakSummary['base'] {
  const sum = (f: (s: SoakStep) => number) => steps.reduce((a, s) => a + f(s), 0);
  const ackErrorCodes: Record<string, number> = {};
  for (const s of steps) {
    for (const [code, n] of Object.entries(s.ackErrorCodes)) {
      ackErrorCodes[code] = (ackErrorCodes[code] ?? 0) + n;
    }
  }
  const p99s = steps.map((s) => s.p99);
  const p99Median = medianOf(p99s);
  const p50Median = medianOf(steps.map((s) => s.p50));
  return {
    steps: steps.length,
    sent: sum((s) => s.sent),
    acked: sum((s) => s.acked),
    ackErrors: sum((s) => s.ackErrors),
    ackErrorCodes,
    expected: sum((s) => s.expected),
    delivered: sum((s) => s.delivered),
    lost: sum((s) => s.lost),
    duplicates: sum((s) => s.duplicates),
    outOfOrder: sum((s) => s.outOfOrder),
    misrouted: sum((s) => s.misrouted),
    disconnects: sum((s) => s.disconnects),
    ...(p99Median !== undefined && { p99Median, p99Worst: Math.max(...p99s) }),
    ...(p50Median !== undefined && { p50Median }),
  };
}

export function summarize(results: SoakResults): SoakSummary {
  const o = results.meta.options;
  const warmupS = o.warmupMs / 1000;
  const windowS = o.windowMs / 1000;
  const loadS = results.meta.loadS;
  const churnAt = (t: number) => {
    const before = results.churnPoints.filter((p) => p.t <= t).at(-1);
    return before?.completed ?? 0;
  };
  const sessionsAfterWarmup =
    results.churnPoints.length > 0
      ? (results.churnPoints.at(-1)?.completed ?? 0) - churnAt(warmupS)
      : undefined;
  const windows = { warmupS, windowS, loadS, sessionsAfterWarmup };
  const processes = results.processes.map((p) => summarizeProcess(p, windows));
  const gateways = processes.filter((p) => p.kind === 'gateway');
  const judged =
    results.meta.mode === 'full' &&
    gateways.length > 0 &&
    gateways.every((g) => g.heapGrowthPct !== undefined);
  return {
    warmupS,
    windowS,
    loadS,
    processes,
    ...(sessionsAfterWarmup !== undefined && { sessionsAfterWarmup }),
    base: summarizeBase(results.steps),
    ...(judged && {
      pass: gateways.every((g) => (g.heapGrowthPct ?? Infinity) < o.maxGrowthPct),
    }),
  };
}
