import type { BenchResults } from '../../run.js';
import { bestSustained } from '../../scenarios/ramp.js';
import { kb, ms, num, table, yes } from '../format.js';

/** Targets of issue 6, acceptance 3 and 4. */
export const TARGETS = {
  throughputRatio: 0.8,
  p99RateMsgPerSec: 2000,
  p99Ms: 30,
  rssPerConnectionBytes: 20 * 1024,
  rssAtConnections: 5000,
  fullRunS: 15 * 60,
  quickRunS: 2 * 60,
};

/** A target's rows (none when its scenario did not run): target, this run, verdict. */
type TargetRows = (results: BenchResults) => string[][];

/** Our delivered/s against the baseline's, each at the highest rate it sustained. */
const throughput: TargetRows = (results) => {
  const f = results.fanout;
  if (!f?.baseline) return [];
  const o = bestSustained(f.ours);
  const b = bestSustained(f.baseline);
  const ratio = o && b ? o.deliveredPerSec / b.deliveredPerSec : undefined;
  const both = f.ours.steps
    .filter((s) => s.sustained && f.baseline?.steps.some((x) => x.rate === s.rate && x.sustained))
    .at(-1);
  return [
    [
      `At the highest rate each sustains without loss, our delivered/s (persistence on) ≥ ${TARGETS.throughputRatio}× the baseline's`,
      `ours ${num(o?.rate)} msg/s → ${num(o?.deliveredPerSec)} deliveries/s; baseline ${num(b?.rate)} msg/s → ${num(b?.deliveredPerSec)}/s; ratio **${num(ratio, 2)}**` +
        (both ? ` (highest rate both sustain: ${num(both.rate)} msg/s)` : ''),
      yes(ratio === undefined ? undefined : ratio >= TARGETS.throughputRatio),
    ],
  ];
};

/** p99 at the target rate, or why that step was not reached. */
const p99: TargetRows = (results) => {
  const f = results.fanout;
  if (!f) return [];
  const at = f.ours.steps.find((s) => s.rate === TARGETS.p99RateMsgPerSec);
  const knee = f.ours.steps.find((s) => !s.sustained);
  const stoppedBefore = !at && knee !== undefined && knee.rate < TARGETS.p99RateMsgPerSec;
  return [
    [
      `p99 ≤ ${TARGETS.p99Ms} ms at ${num(TARGETS.p99RateMsgPerSec)} msg/s (${num(TARGETS.p99RateMsgPerSec * (results.meta.members || 10))} deliveries/s)`,
      at
        ? `p99 **${ms(at.latency.p99)} ms** (p50 ${ms(at.latency.p50)}, max ${ms(at.latency.max)})${at.sustained ? '' : ', saturated'}`
        : stoppedBefore
          ? `not reachable: ours saturated at ${num(knee.rate)} msg/s (p99 ${ms(knee.latency.p99)} ms there)`
          : 'step not run (the ramp uses other rates)',
      yes(at ? at.latency.p99 <= TARGETS.p99Ms : stoppedBefore ? false : undefined),
    ],
  ];
};

/** Deliveries lost or duplicated over every step of ours, scaled and embedded. */
const noLoss: TargetRows = (results) => {
  const f = results.fanout;
  if (!f) return [];
  const all = [...f.ours.steps, ...(results.embedded?.ours.steps ?? [])];
  const lost = all.reduce((a, s) => a + s.lostFinal, 0);
  const sustainedLost = all.filter((s) => s.sustained).reduce((a, s) => a + s.lostFinal, 0);
  const dup = all.reduce((a, s) => a + s.duplicates, 0);
  return [
    [
      'No delivery lost at any rate (ours, scaled and embedded)',
      `${num(lost)} deliveries never arrived over ${all.length} steps (${num(sustainedLost)} in sustained steps); ${num(dup)} duplicates`,
      yes(lost === 0 && dup === 0),
    ],
  ];
};

/** RSS per idle connection at the target count. */
const idleConnection: TargetRows = (results) => {
  const c = results.connections?.levels.find((l) => l.connections === TARGETS.rssAtConnections);
  if (!c) return [];
  return [
    [
      `Idle connection ≤ 20 KB RSS at ${num(TARGETS.rssAtConnections)} connections`,
      `**${kb(c.rssPerConnection)}** RSS per connection (${kb(c.heapPerConnection)} heap) right after connecting` +
        (c.settled
          ? `; **${kb(c.settled.rssPerConnection)}** (${kb(c.settled.heapPerConnection)} heap) once idle, after a full GC`
          : '') +
        (results.connections?.relay
          ? `; the bare relay: ${kb(results.connections.relay.rssPerConnection)} (no forced GC)`
          : ''),
      c.settled
        ? `${c.rssPerConnection <= TARGETS.rssPerConnectionBytes ? '**met**' : 'not met'} right after connecting, ` +
          `${c.settled.rssPerConnection <= TARGETS.rssPerConnectionBytes ? '**met**' : '**not met**'} settled`
        : yes(c.rssPerConnection <= TARGETS.rssPerConnectionBytes),
    ],
  ];
};

/** How long the run took against its budget. */
const runDuration: TargetRows = (results) => {
  const limit = results.meta.mode === 'full' ? TARGETS.fullRunS : TARGETS.quickRunS;
  return [
    [
      `${results.meta.mode === 'full' ? 'Full run < 15 min' : 'Quick run < 2 min'} on this machine`,
      `${num(results.meta.durationS / 60, 1)} min`,
      yes(results.meta.durationS < limit),
    ],
  ];
};

const TARGET_ROWS: readonly TargetRows[] = [throughput, p99, noLoss, idleConnection, runDuration];

/** The targets of issue 6 (acceptance 3 and 4), met or not in this run. */
export function targetsSection(results: BenchResults): string[] {
  return [
    '## Targets (issue 6, acceptance 3 and 4)',
    '',
    table(
      ['target', 'this run', ''],
      TARGET_ROWS.flatMap((rows) => rows(results)),
    ),
    '',
  ];
}
