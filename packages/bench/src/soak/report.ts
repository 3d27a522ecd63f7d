import { GATEWAY_BUDGETS } from '@chat/test-support';
/** The soak's verdict, checks, markdown section and plot. */
import path from 'node:path';
import { chart, type Panel, type Series } from '../report/svg.js';
import type { ProcessSeries, ProcSample, SoakResults, SoakStep } from './run.js';

const MiB = 2 ** 20;

const num = (v: number | undefined, digits = 0) =>
  v === undefined || !Number.isFinite(v)
    ? '–'
    : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mib = (bytes: number | undefined) => (bytes === undefined ? '–' : `${num(bytes / MiB, 1)}`);
const signed = (v: number | undefined, digits = 1) =>
  v === undefined || !Number.isFinite(v) ? '–' : `${v >= 0 ? '+' : '−'}${num(Math.abs(v), digits)}`;
const minutes = (s: number) => `${num(s / 60, s < 600 ? 1 : 0)} min`;

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (i === 0 ? '---' : '--:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

type Field = (s: ProcSample) => number | undefined;

const FIELDS = {
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
  if (values.length > 0) return median(values);
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
  const mx = pts.reduce((a, p) => a + p[0], 0) / pts.length;
  const my = pts.reduce((a, p) => a + p[1], 0) / pts.length;
  const sxx = pts.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  const sxy = pts.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0);
  return sxx > 0 ? sxy / sxx : undefined;
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
  const processes = results.processes.map((p): ProcessSummary => {
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
  });
  const steps = results.steps;
  const sum = (f: (s: SoakStep) => number) => steps.reduce((a, s) => a + f(s), 0);
  const ackErrorCodes: Record<string, number> = {};
  for (const s of steps) {
    for (const [code, n] of Object.entries(s.ackErrorCodes)) {
      ackErrorCodes[code] = (ackErrorCodes[code] ?? 0) + n;
    }
  }
  const p99s = steps.map((s) => s.p99);
  const p99Median = median(p99s);
  const p50Median = median(steps.map((s) => s.p50));
  const base: SoakSummary['base'] = {
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
    base,
    ...(judged && {
      pass: gateways.every((g) => (g.heapGrowthPct ?? Infinity) < o.maxGrowthPct),
    }),
  };
}

/**
 * What `--check` requires: the run finished; every process was sampled; nothing lost,
 * duplicated, refused or left unstored; every churn session succeeded; every gateway stayed
 * within its heap and event-loop budgets. In a full run, also the heap growth verdict.
 */
export function soakProblems(results: SoakResults, summary: SoakSummary): string[] {
  const problems = results.errors.map((e) => `${e.what} failed: ${e.message.split('\n')[0]}`);
  const b = summary.base;
  if (b.steps === 0 || b.delivered === 0) problems.push('base load: nothing delivered');
  if (b.lost > 0) problems.push(`base load: ${b.lost} deliveries lost`);
  if (b.duplicates > 0) problems.push(`base load: ${b.duplicates} duplicate deliveries`);
  if (b.ackErrors > 0 || b.acked < b.sent)
    problems.push(`base load: ${b.acked}/${b.sent} acked, ${b.ackErrors} refused`);
  if (b.misrouted > 0) problems.push(`base load: ${b.misrouted} misrouted deliveries`);
  if (b.outOfOrder > 0) problems.push(`base load: ${b.outOfOrder} out-of-order deliveries`);
  if (b.disconnects > 0) problems.push(`base load: ${b.disconnects} long-lived sockets dropped`);
  const c = results.churn;
  if (!c || c.completed === 0) problems.push('churn: no session completed');
  else {
    if (c.failed > 0) problems.push(`churn: ${c.failed} of ${c.sessions} sessions failed`);
    if (c.roomsCreated !== c.roomsDeleted)
      problems.push(`churn: ${c.roomsCreated} rooms created, ${c.roomsDeleted} deleted`);
  }
  const s = results.storage;
  if (!s) problems.push('storage: not checked');
  else {
    if (s.missing > 0) problems.push(`storage: ${s.missing} of ${s.acked} acked messages missing`);
    if (s.storedTwice > 0) problems.push(`storage: ${s.storedTwice} messages stored twice`);
    if (s.churnStored < s.churnAcked)
      problems.push(`storage: ${s.churnAcked - s.churnStored} acked churn messages missing`);
    if (s.churnStoredTwice > 0)
      problems.push(`storage: ${s.churnStoredTwice} churn messages stored twice`);
  }
  // After the load only the long-lived members are connected, as before it.
  const idleConnections = (which: 'idleBefore' | 'idleAfter') =>
    results.processes
      .filter((p) => p.kind === 'gateway')
      .reduce((a, p) => a + (p[which]?.connections ?? NaN), 0);
  const before = idleConnections('idleBefore');
  const after = idleConnections('idleAfter');
  if (!Number.isFinite(before) || !Number.isFinite(after))
    problems.push('idle samples before or after the load missing');
  else if (after !== before)
    problems.push(
      `${before} connections before the load, ${after} after it (${after < before ? 'long-lived sockets dropped' : 'sockets left open'})`,
    );
  for (const p of results.processes.filter((q) => q.kind === 'gateway')) {
    const heap = Math.max(0, ...p.samples.map((s) => s.heapUsedNoGc ?? 0));
    const lag = Math.max(0, ...p.samples.map((s) => s.eventLoopLagP99Ms ?? 0));
    if (heap >= GATEWAY_BUDGETS.heapBytes)
      problems.push(`${p.name}: heap reached ${(heap / 1024 ** 2).toFixed(0)} MiB (budget 1 GiB)`);
    if (lag >= GATEWAY_BUDGETS.eventLoopLagMs)
      problems.push(`${p.name}: event-loop lag p99 reached ${lag.toFixed(0)} ms (budget 1 s)`);
  }
  for (const p of summary.processes) {
    if (p.samples < 3) problems.push(`${p.name}: only ${p.samples} samples`);
    if (p.kind === 'gateway' && p.heapGrowthPct === undefined)
      problems.push(`${p.name}: no heap after GC at warm-up end and at the end`);
  }
  if (summary.pass === false) {
    problems.push(
      `heap after GC grew ${summary.processes
        .filter((p) => p.kind === 'gateway')
        .map((p) => `${signed(p.heapGrowthPct)} %`)
        .join(' / ')} (limit ${results.meta.options.maxGrowthPct} %)`,
    );
  }
  return problems;
}

const COLORS: Record<string, { color: string; dash?: string }> = {
  'gateway 1': { color: '#1f77b4' },
  'gateway 2': { color: '#ff7f0e' },
  sink: { color: '#7f7f7f', dash: '5 3' },
};

export function soakChart(results: SoakResults, summary: SoakSummary): string {
  const o = results.meta.options;
  const series = (field: Field): Series[] =>
    results.processes.map((p) => ({
      name: p.name,
      ...(COLORS[p.name] ?? { color: '#2ca02c' }),
      dots: p.samples.length <= 60,
      points: p.samples
        .map((s) => ({ x: s.t / 60, y: (field(s) ?? NaN) / MiB }))
        .filter((pt) => Number.isFinite(pt.y)),
    }));
  const markers = [{ x: summary.warmupS / 60, label: 'warm-up end' }];
  const panels: Panel[] = [
    {
      title: 'Heap used after a forced full GC',
      xLabel: 'minutes since the load started',
      yLabel: 'MiB',
      logY: false,
      series: series(FIELDS.heap),
      markers,
    },
    {
      title: 'Resident set size (RSS)',
      xLabel: 'minutes since the load started',
      yLabel: 'MiB',
      logY: false,
      series: series(FIELDS.rss),
      markers,
    },
  ];
  const caption =
    `Soak, ${minutes(summary.loadS)}: ${o.rate} msg/s from ${o.rooms * o.members} long-lived ` +
    `members + ${o.churn.sessionsPerSec} churn sessions/s; sampled every ${o.sampleMs / 1000} s`;
  return chart(
    panels,
    caption,
    results.processes.map((p) => ({ name: p.name, ...(COLORS[p.name] ?? { color: '#2ca02c' }) })),
  );
}

/** The section for docs/reliability.md; the plot is linked relative to the directory `linkFrom`. */
export function renderSoakMarkdown(
  results: SoakResults,
  summary: SoakSummary,
  linkFrom: string,
  plotFile: string,
): string {
  const m = results.meta;
  const o = m.options;
  const c = results.churn;
  const s = results.storage;
  const b = summary.base;
  const gateways = summary.processes.filter((p) => p.kind === 'gateway');
  const out: string[] = [];
  out.push(`## Soak: ${minutes(summary.loadS)} of steady load with connection churn`, '');
  out.push(
    `Measured ${m.startedAt.slice(0, 10)} with \`${m.command}\` ` +
      `(\`packages/bench/src/soak/\`)${m.mode === 'quick' ? ' — a **quick** harness check, not a soak' : ''}.`,
    '',
  );
  out.push(
    `![Heap after a forced GC and RSS of each gateway replica and the sink over the soak](${path
      .relative(linkFrom, plotFile)
      .split(path.sep)
      .join('/')})`,
    '',
  );
  const growthList = gateways.map((g) => `${signed(g.heapGrowthPct)} % (${g.name})`).join(' and ');
  if (summary.pass === undefined) {
    out.push(
      `**Verdict: not judged** (${m.mode === 'quick' ? 'quick run' : 'missing samples'}); ` +
        `heap after GC changed ${growthList} from the end of the warm-up to the end.`,
      '',
    );
  } else {
    out.push(
      `**Verdict: ${summary.pass ? 'no growth' : 'growth'}.** Heap used after a forced GC changed ` +
        `${growthList} from the end of the ${minutes(summary.warmupS)} warm-up to the end of the ` +
        `load: ${summary.pass ? 'under' : '**over**'} the ${o.maxGrowthPct} % limit.`,
      '',
    );
  }

  out.push('### Load', '');
  const perRoom = o.rate / o.rooms;
  out.push(
    `- **Base:** ${o.rooms} rooms × ${o.members} long-lived members (${o.rooms * o.members} sockets, ` +
      `a room's members alternating between the 2 replicas) sending ${o.rate} msg/s round-robin ` +
      `(${num(perRoom, 0)} msg/s per room, ${num(o.rate * o.members)} deliveries/s), in ` +
      `${o.stepMs / 1000} s steps back to back for ${minutes(summary.loadS)} (${b.steps} steps).`,
  );
  if (c) {
    out.push(
      `- **Churn:** ${o.churn.sessionsPerSec} short-lived client sessions started per second, each on the ` +
        `next replica: ${num(c.sessions)} sessions (${num(c.visits)} visits: connect, open a ` +
        `long-lived room, type, ${o.churn.messagesPerSession} messages, disconnect; ${num(c.cycles)} cycles: ` +
        `connect, create a room with another user, open it, type, ${o.churn.messagesPerSession} messages, ` +
        `delete it, disconnect), ${num(c.connects)} connections, ${num(c.roomsCreated)} rooms created ` +
        `and ${num(c.roomsDeleted)} deleted, ${num(c.messagesAcked)} messages; up to ${c.peakInFlight} ` +
        `sessions at once, a session lasting ${num(c.sessionMs.p50)} ms (p50).`,
      `- **Users:** ${m.churnPool} pooled guests signed in once (their tokens reused) plus ` +
        `${num(c.signins)} new guests signed in during the run (${o.churn.signinsPerSec}/s, a cycle each): ` +
        `the user directory grew by those ${num(c.signins)} users, in Redis and DynamoDB, not in the gateways.`,
    );
  }
  out.push(
    '- Rate limits off; one sink worker; clients connect to the replicas directly (nginx runs but is not in the path).',
    '',
  );

  out.push('### Correctness', '');
  const rows: string[][] = [
    [
      'Base-load messages sent / acked / refused',
      `${num(b.sent)} / ${num(b.acked)} / ${num(b.ackErrors)}`,
    ],
    [
      'Deliveries expected (sent × members) / delivered',
      `${num(b.expected)} / ${num(b.delivered)}`,
    ],
    [
      'Lost / duplicate / out-of-order / misrouted deliveries',
      `${num(b.lost)} / ${num(b.duplicates)} / ${num(b.outOfOrder)} / ${num(b.misrouted)}`,
    ],
    ['Long-lived sockets dropped by the server', num(b.disconnects)],
    [
      'Delivery latency p50 / p99 (median over steps), worst step p99',
      `${num(b.p50Median, 1)} / ${num(b.p99Median, 1)} ms, ${num(b.p99Worst, 0)} ms`,
    ],
  ];
  if (s) {
    rows.push(
      [
        'Acked base-load messages stored (DynamoDB, read back through the store adapter)',
        `${num(s.stored)} of ${num(s.acked)} (${num(s.missing)} missing, ${num(s.storedTwice)} stored twice)`,
      ],
      [
        'Churn messages in the long-lived rooms: acked / stored',
        `${num(s.churnAcked)} / ${num(s.churnStored)} (${num(s.churnStoredTwice)} stored twice)`,
      ],
      ['Sink caught up after the load in', `${num(s.sinkDrainMs / 1000, 1)} s`],
    );
  }
  if (c) {
    const errors = Object.entries(c.errors)
      .map(([k, n]) => `${k} × ${n}`)
      .join(', ');
    rows.push(
      [
        'Churn sessions completed / failed / not started (no free pool user)',
        `${num(c.completed)} / ${num(c.failed)} / ${num(c.skipped)}`,
      ],
      ['Churn failures by action', errors || 'none'],
      ['Churn connect p50 / p99', `${num(c.connectMs.p50, 1)} / ${num(c.connectMs.p99, 1)} ms`],
    );
  }
  out.push(table(['What', 'Count'], rows), '');

  out.push('### Memory and resources per process', '');
  const warmLabel = `warm-up end (${minutes(summary.warmupS)})`;
  const endLabel = `end (${minutes(summary.loadS)})`;
  const cols = summary.processes;
  const row = (label: string, cell: (p: ProcessSummary) => string) => [label, ...cols.map(cell)];
  const pair =
    (key: keyof ProcessSummary['warm'], fmt: (v: number | undefined) => string) =>
    (p: ProcessSummary) =>
      `${fmt(p.warm[key])} → ${fmt(p.end[key])}`;
  const count = (v: number | undefined) => num(v, 0);
  out.push(
    table(
      ['', ...cols.map((p) => p.name)],
      [
        row(`Heap after GC, MiB, ${warmLabel} → ${endLabel}`, pair('heap', mib)),
        row('Heap after GC, growth', (p) => `**${signed(p.heapGrowthPct)} %**`),
        row(
          'Heap after GC, trend after the warm-up',
          (p) =>
            `${signed(p.heapSlopePerHour === undefined ? undefined : p.heapSlopePerHour / MiB)} MiB/h`,
        ),
        row('RSS, MiB', pair('rss', mib)),
        row('RSS, growth', (p) => `${signed(p.rssGrowthPct)} %`),
        row('Heap used without a GC (`/metrics`), MiB', pair('heapNoGc', mib)),
        row('External memory (Buffers, native), MiB', pair('external', mib)),
        row('Active timers (`Timeout`)', pair('timers', count)),
        row('Active handles and requests (all kinds)', pair('handles', count)),
        row('Open Socket.IO connections', (p) =>
          p.kind === 'gateway' ? pair('connections', count)(p) : '–',
        ),
        row('Forced GC, ms (median)', (p) => num(p.end.gcMs, 0)),
        row('CPU, % of a core (median)', pair('cpu', count)),
        row('Heap growth per churn session after the warm-up', (p) =>
          p.heapPerSession === undefined ? '–' : `${signed(p.heapPerSession, 0)} B`,
        ),
      ],
    ),
    '',
  );
  const idle = results.processes.filter((p) => p.idleBefore && p.idleAfter);
  if (idle.length > 0) {
    out.push('### Idle before and after the load', '');
    out.push(
      'Only the long-lived members connected: a sample before the load started and one after ' +
        'it stopped, every churn client gone and the sink caught up. What churn left behind ' +
        '(timers, sockets, listeners, rooms) would stay here.',
      '',
    );
    const both = (f: Field, fmt: (v: number | undefined) => string) => (p: ProcessSeries) =>
      `${fmt(p.idleBefore && f(p.idleBefore))} → ${fmt(p.idleAfter && f(p.idleAfter))}`;
    const changed = (p: ProcessSeries) => {
      const a = p.idleBefore?.resources ?? {};
      const b = p.idleAfter?.resources ?? {};
      const kinds = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      const diffs = kinds
        .map((k) => [k, (b[k] ?? 0) - (a[k] ?? 0)] as const)
        .filter(([, d]) => d !== 0)
        .map(([k, d]) => `${k} ${signed(d, 0)}`);
      return diffs.join(', ') || 'none';
    };
    const count = (v: number | undefined) => num(v, 0);
    const idleRow = (label: string, cell: (p: ProcessSeries) => string) => [
      label,
      ...idle.map(cell),
    ];
    out.push(
      table(
        ['', ...idle.map((p) => p.name)],
        [
          idleRow('Heap after GC, MiB', both(FIELDS.heap, mib)),
          idleRow('RSS, MiB', both(FIELDS.rss, mib)),
          idleRow('Open Socket.IO connections', (p) =>
            p.kind === 'gateway' ? both(FIELDS.connections, count)(p) : '–',
          ),
          idleRow('Active timers (`Timeout`)', both(FIELDS.timers, count)),
          idleRow('Active handles and requests (all kinds)', both(FIELDS.handles, count)),
          idleRow('Kinds whose count changed', changed),
        ],
      ),
      '',
    );
  }
  const snaps = results.processes.filter((p) => p.snapshotGrowth);
  if (snaps.length > 0) {
    out.push('### What grew between the heap snapshots (warm-up end → end)', '');
    for (const p of snaps) {
      const g = p.snapshotGrowth;
      if (!g) continue;
      out.push(`${p.name}: ${signed(g.totalBytes / MiB, 2)} MiB in all.`, '');
      out.push(
        table(
          ['Object kind', 'Bytes', 'Count'],
          g.kinds
            .filter((k) => k.bytesPerUnit !== 0 || k.countPerUnit !== 0)
            .slice(0, 10)
            .map((k) => [
              `\`${k.kind.replaceAll('|', '\\|')}\``,
              signed(k.bytesPerUnit, 0),
              signed(k.countPerUnit, 0),
            ]),
        ),
        '',
      );
    }
  }

  out.push('### Method', '');
  out.push(
    `- Every ${o.sampleMs / 1000} s the harness forces a full garbage collection in each process through ` +
      'the V8 inspector (the processes run with `NODE_OPTIONS=--inspect=127.0.0.1:0`; the harness sends ' +
      '`HeapProfiler.collectGarbage`, then reads `process.memoryUsage()` and ' +
      '`process.getActiveResourcesInfo()`): no code of the gateway or sink changes. RSS is `VmRSS` of ' +
      '`/proc/<pid>/status`, read right after the GC; the connection count is `chat_socket_connections` of `/metrics`. ' +
      'The forced GCs are part of what the processes went through (they show in the worst delivery latencies).',
    `- The value at the end of the warm-up is the median of the samples in its last ${summary.windowS} s; ` +
      `the value at the end, the median of the last ${summary.windowS} s of load. The verdict: heap after GC ` +
      `of each gateway grew less than ${o.maxGrowthPct} %. The trend is the least-squares slope of all samples after the warm-up.`,
    '- Heap used without a GC rises and falls with the garbage between collections; after a forced GC ' +
      'only what is still referenced is left, so a leak (listeners, rooms, timers, sockets kept per ' +
      'session) shows as a rising floor — and as the retained bytes per churn session above.',
    `- Correctness: every base-load message carries its step and index; the generator counts each ` +
      `long-lived member's receipt (late ones included). After the load the sink is let catch up and ` +
      `every long-lived room is read back from DynamoDB through \`DynamoMessageStore\`.`,
  );
  const mc = m.machine;
  out.push(
    `- **Machine:** ${mc.cpuModel}, ${mc.cores} cores, ${num(mc.memoryGiB, 1)} GiB RAM, Linux ${mc.kernel}; ` +
      `Node ${mc.node}; ${mc.redis}; ${mc.nginx}.`,
    `- **Other load on the machine:** load average ${m.loadavgStart.map((v) => v.toFixed(2)).join(' / ')} ` +
      `at the start, ${m.loadavgEnd.map((v) => v.toFixed(2)).join(' / ')} at the end; processes outside ` +
      `the soak used ${num(m.foreign.foreignPct, 0)} % of the machine over the run.`,
    `- **Run:** ${minutes(m.durationS)} in all (setup, load, storage check, stop).`,
    '',
  );
  return out.join('\n');
}
