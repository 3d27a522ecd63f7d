import type { ProcessSummary } from '../summary.js';
import { MiB, mib, minutes, num, signed, table } from '../format.js';
import type { SoakSection } from './section.js';

/** Each process at warm-up end and at the end: heap after GC, RSS, handles, CPU. */
export const memorySection: SoakSection = ({ summary }) => {
  const out: string[] = [];
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
  return out;
};
