import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { heapGrowth, readHeapSnapshot, type HeapTotals } from '../report/heap-snapshot.js';
import type { SoakEnv } from './load.js';
import type { ProcessSeries } from './results.js';
import type { Sampler } from './sampler.js';

/**
 * A heap snapshot of every gateway, summed by constructor. Sampling waits and the churn stops
 * meanwhile (a snapshot stops the gateway for seconds); the churn restarts unless `last`.
 */
export async function snapshotGateways(
  env: SoakEnv,
  sampler: Sampler,
  label: string,
  last: boolean,
): Promise<Map<string, HeapTotals>> {
  const dir = path.join(env.dataDir, 'heap-snapshots');
  mkdirSync(dir, { recursive: true });
  const totals = new Map<string, HeapTotals>();
  let release = () => undefined as void;
  sampler.paused = new Promise<void>((resolve) => (release = resolve));
  // A snapshot stops the gateway for seconds: no churn (it would only time out) meanwhile.
  await env.churn.call('stopChurn', { drainMs: 20_000 });
  try {
    for (const w of env.watched) {
      if (w.series.kind !== 'gateway' || !w.session) continue;
      const file = path.join(dir, `${w.series.name.replace(' ', '-')}-${label}.heapsnapshot`);
      const t = performance.now();
      await w.session.heapSnapshot(file);
      totals.set(w.series.name, readHeapSnapshot(file));
      rmSync(file, { force: true });
      env.log(
        `heap snapshot of ${w.series.name} (${label}) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    }
  } finally {
    release();
    if (!last) await env.churn.call('startChurn', env.churnArgs);
  }
  return totals;
}

/** Each process's heap growth by object kind between two sets of snapshots. */
export function recordSnapshotGrowth(
  processes: readonly ProcessSeries[],
  before: ReadonlyMap<string, HeapTotals>,
  after: ReadonlyMap<string, HeapTotals>,
): void {
  for (const p of processes) {
    const b = before.get(p.name);
    const a = after.get(p.name);
    if (!b || !a) continue;
    const growth = heapGrowth(b, a, 1, 20);
    p.snapshotGrowth = { totalBytes: growth.totalPerUnit, kinds: growth.kinds };
  }
}
