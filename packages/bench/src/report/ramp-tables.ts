import type { RampPair } from '../run.js';
import { bestSustained, queueGrew, type RampResult, type RampStep } from '../scenarios/ramp.js';
import { ms, num, pct, table } from './format.js';

/** What went wrong in a step, if anything. */
function stepNotes(s: RampStep): string {
  const notes: string[] = [];
  if (!s.sustained) notes.push('**saturated**');
  if (queueGrew(s))
    notes.push(
      `queue grew: p50 ${ms(s.latencyFirstQuarter.p50)} → ${ms(s.latencyLastQuarter.p50)} ms over the step`,
    );
  if (s.ackErrors > 0)
    notes.push(
      `${num(s.ackErrors)} error acks (${Object.entries(s.ackErrorCodes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
    );
  if (s.acked + s.ackErrors < s.sent) notes.push(`${num(s.sent - s.acked - s.ackErrors)} unacked`);
  if (s.disconnects > 0) notes.push(`${num(s.disconnects)} disconnects`);
  if (s.misrouted > 0) notes.push(`${num(s.misrouted)} misrouted`);
  if (s.outOfOrder > 0) notes.push(`${num(s.outOfOrder)} out of order`);
  return notes.join('; ');
}

/** One row per step of a ramp, with every metered process's CPU. */
export function rampTable(result: RampResult): string {
  const extra = [...new Set(result.steps.flatMap((s) => Object.keys(s.processCpu)))].filter(
    (n) => n !== 'generator',
  );
  const servers = extra.filter((n) => /^(gateway|relay|server)/.test(n));
  const others = extra.filter((n) => !servers.includes(n));
  return table(
    [
      'offered msg/s',
      'sent',
      'acked',
      'delivered/s',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'lost',
      'dup',
      'generator CPU',
      ...servers.map((s) => `${s} CPU`),
      ...others.map((s) => `${s} CPU`),
      'notes',
    ],
    result.steps.map((s) => [
      num(s.rate),
      num(s.sent),
      num(s.acked),
      num(s.deliveredPerSec),
      ms(s.latency.p50),
      ms(s.latency.p90),
      ms(s.latency.p99),
      ms(s.latency.max),
      s.lostFinal === s.lost ? num(s.lost) : `${num(s.lostFinal)} (${num(s.lost)} late)`,
      num(s.duplicates),
      pct(s.cpuPct),
      ...servers.map((n) => pct(s.processCpu[n])),
      ...others.map((n) => pct(s.processCpu[n])),
      stepNotes(s),
    ]),
  );
}

/** Ours against the baseline, per offered rate. */
export function ratioTable(pair: RampPair): string {
  const base = pair.baseline;
  if (!base) return '';
  const rates = [...new Set([...pair.ours.steps, ...base.steps].map((s) => s.rate))].sort(
    (a, b) => a - b,
  );
  return table(
    [
      'offered msg/s',
      'ours delivered/s',
      'baseline delivered/s',
      'delivered/s ratio',
      'ours p99 ms',
      'baseline p99 ms',
      'p99 ratio',
    ],
    rates.map((rate) => {
      const o = pair.ours.steps.find((s) => s.rate === rate);
      const b = base.steps.find((s) => s.rate === rate);
      const mark = (s: RampStep | undefined) => (s && !s.sustained ? ' (sat.)' : '');
      return [
        num(rate),
        `${num(o?.deliveredPerSec)}${mark(o)}`,
        `${num(b?.deliveredPerSec)}${mark(b)}`,
        o && b ? num(o.deliveredPerSec / b.deliveredPerSec, 2) : '–',
        ms(o?.latency.p99),
        ms(b?.latency.p99),
        o && b ? num(o.latency.p99 / Math.max(0.001, b.latency.p99), 1) : '–',
      ];
    }),
  );
}

/**
 * CPU milliseconds per message sent, per process, at a system's highest sustained step (or its
 * first step if none was sustained): what one message costs each part, fan-out included.
 */
export function costTable(systems: readonly (RampResult | undefined)[]): string {
  const picked = systems.flatMap((r) => {
    const step = r ? (bestSustained(r) ?? r.steps[0]) : undefined;
    return r && step ? [{ name: r.name, step }] : [];
  });
  if (picked.length === 0) return '';
  const costs = picked.map(({ name, step }) => {
    // CPU % over the step's wall time (sending and draining) → CPU ms per message sent.
    const entries = Object.entries(step.processCpu).map(
      ([proc, pct]) => [proc, ((pct / 100) * step.wallMs) / step.sent] as const,
    );
    const total = entries.reduce((a, [, v]) => a + v, 0);
    return { name, step, entries, total };
  });
  return table(
    ['system', 'at msg/s', 'CPU ms per message, by process', 'total', 'rate 2 cores could carry'],
    costs.map((c) => [
      c.name,
      `${num(c.step.rate)}${c.step.sustained ? '' : ' (saturated)'}`,
      c.entries.map(([p, v]) => `${p} ${num(v, 2)}`).join(', '),
      `${num(c.total, 2)} ms`,
      `~${num(2000 / c.total)} msg/s`,
    ]),
  );
}
