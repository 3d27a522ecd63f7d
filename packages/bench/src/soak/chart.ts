import { chart, type Panel, type Series } from '../report/svg.js';
import { MiB, minutes } from './format.js';
import type { SoakResults } from './results.js';
import { FIELDS, type Field, type SoakSummary } from './summary.js';

const COLORS: Record<string, { color: string; dash?: string }> = {
  'gateway 1': { color: '#1f77b4' },
  'gateway 2': { color: '#ff7f0e' },
  sink: { color: '#7f7f7f', dash: '5 3' },
};

/** Heap after GC and RSS of every process over the load, the warm-up's end marked. */
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
