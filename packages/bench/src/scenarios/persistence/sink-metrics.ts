import type { Cluster } from '@chat/local-cluster';
import { fetchText, metricValue } from '../../infra/servers.js';
import { sleep } from '../../stats.js';

/** Writes sink metrics: `written` per group, `lag + pending` per group. */
export async function sinkCounters(url: string) {
  const text = await fetchText(`${url}/metrics`);
  const group = (sink: string) => ({
    written: metricValue(text, 'chat_sink_written_total', { sink }) ?? 0,
    behind:
      (metricValue(text, 'chat_sink_lag', { sink }) ?? 0) +
      (metricValue(text, 'chat_sink_pending', { sink }) ?? 0),
  });
  return { store: group('store'), search: group('search') };
}

/** Waits until both sink groups have nothing undelivered or unacknowledged. */
export async function waitSinkDrained(cluster: Cluster, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const url = cluster.sinkHealthUrls[0];
    if (url) {
      const c = await sinkCounters(url).catch(() => undefined);
      if (c && c.store.behind === 0 && c.search.behind === 0) return performance.now() - started;
    }
    await sleep(250);
  }
  throw new Error(`the sink did not drain within ${timeoutMs} ms`);
}
