import type { BenchResults } from '../run.js';
import type { RampResult, RampStep } from '../scenarios/ramp.js';
import { chart, type Series } from './svg.js';

/** The latency and throughput plot next to the report. */
export function latencyPlot(results: BenchResults): string {
  const series: { name: string; color: string; result: RampResult | undefined }[] = [
    { name: 'ours, 2 replicas + Redis', color: '#d62728', result: results.fanout?.ours },
    { name: 'baseline relay, 2 procs + Redis', color: '#1f77b4', result: results.fanout?.baseline },
    { name: 'ours, embedded (1 process)', color: '#ff7f0e', result: results.embedded?.ours },
    { name: 'baseline relay, 1 proc', color: '#2ca02c', result: results.embedded?.baseline },
  ];
  const present = series.filter((s) => s.result && s.result.steps.length > 0);
  const lat = (pick: (s: RampStep) => number, dash?: string, suffix = ''): Series[] =>
    present.map((s) => ({
      name: `${s.name}${suffix}`,
      color: s.color,
      ...(dash ? { dash } : {}),
      points: (s.result?.steps ?? []).map((st) => ({
        x: st.rate,
        y: pick(st),
        open: !st.sustained,
      })),
    }));
  return chart(
    [
      {
        title: 'End-to-end latency vs offered load (p99 solid, p50 dashed)',
        xLabel: 'offered load, messages/s (× 10 deliveries each)',
        yLabel: 'latency, ms (log scale)',
        logY: true,
        series: [...lat((s) => s.latency.p99), ...lat((s) => s.latency.p50, '5,4', ' p50')],
      },
      {
        title: 'Delivered messages/s vs offered load',
        xLabel: 'offered load, messages/s',
        yLabel: 'deliveries/s',
        logY: false,
        series: lat((s) => s.deliveredPerSec),
      },
    ],
    `chat-service pnpm bench, ${results.meta.startedAt.slice(0, 10)}, commit ${results.meta.commit}; hollow points: step not sustained`,
    present.map((s) => ({ name: s.name, color: s.color })),
  );
}
