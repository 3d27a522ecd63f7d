/**
 * The soak's sampler: every few seconds each watched process's heap after a forced GC (over
 * the inspector), its RSS and CPU from `/proc`, its `/metrics`; and the churn's progress.
 */
import type { Cluster, ManagedProcess } from '@chat/local-cluster';
import type { LoadGenerator } from '../generator/handle.js';
import type { Cleanup } from '../infra/cleanup.js';
import { cpuSeconds, rssBytes } from '../infra/proc.js';
import { fetchText, metricValue } from '../infra/servers.js';
import { sleep } from '../stats.js';
import { inspectorUrl, InspectorSession } from './inspector.js';
import type { ChurnPoint, ProcessSeries, ProcSample } from './results.js';

/** A process the sampler looks at. */
export interface Watched {
  series: ProcessSeries;
  proc: ManagedProcess;
  metricsUrl: string;
  session?: InspectorSession;
  lastCpu?: { at: number; cpu: number };
}

/** One look at one process; `t` in seconds since `t0`. */
export async function sampleProcess(w: Watched, t0: number): Promise<ProcSample> {
  const pid = w.proc.pid;
  if (pid === undefined || !w.proc.running) throw new Error(`${w.series.name} is not running`);
  const sample: ProcSample = { t: 0 };
  const text = await fetchText(w.metricsUrl).catch(() => '');
  sample.heapUsedNoGc = metricValue(text, 'nodejs_heap_size_used_bytes');
  const lag = metricValue(text, 'nodejs_eventloop_lag_p99_seconds');
  if (lag !== undefined) sample.eventLoopLagP99Ms = lag * 1000;
  sample.connections = metricValue(text, 'chat_socket_connections');
  if (w.session) {
    const gc = await w.session.afterGc();
    sample.gcMs = gc.gcMs;
    sample.heapUsed = gc.memory.heapUsed;
    sample.heapTotal = gc.memory.heapTotal;
    sample.external = gc.memory.external;
    sample.arrayBuffers = gc.memory.arrayBuffers;
    sample.resources = gc.resources;
  }
  const now = performance.now();
  sample.t = (now - t0) / 1000;
  sample.rssBytes = rssBytes(pid);
  const cpu = cpuSeconds(pid);
  if (cpu !== undefined && w.lastCpu) {
    sample.cpuPct = ((cpu - w.lastCpu.cpu) / ((now - w.lastCpu.at) / 1000)) * 100;
  }
  if (cpu !== undefined) w.lastCpu = { at: now, cpu };
  return sample;
}

/** Samples every watched process, one after the other, every `sampleMs` until stopped. */
export class Sampler {
  private stopped = false;
  private loop: Promise<void> | undefined;
  /** Sampling waits while a heap snapshot is being taken. */
  paused: Promise<void> = Promise.resolve();
  readonly churnPoints: ChurnPoint[] = [];

  constructor(
    private readonly watched: readonly Watched[],
    private readonly churn: LoadGenerator,
    private readonly t0: number,
    private readonly sampleMs: number,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const started = performance.now();
      await this.sampleAll();
      const next = started + this.sampleMs;
      while (!this.stopped && performance.now() < next) {
        await sleep(Math.min(200, next - performance.now()));
      }
    }
  }

  async sampleAll(): Promise<void> {
    await this.paused;
    // In parallel: the processes are seen at (nearly) the same moment.
    await Promise.all(
      this.watched.map((w) =>
        sampleProcess(w, this.t0).then(
          (sample) => void w.series.samples.push(sample),
          () => void w.series.sampleErrors++,
        ),
      ),
    );
    const stats = await this.churn.call('churnStats', {}, 10_000).catch(() => undefined);
    if (stats) {
      this.churnPoints.push({
        t: (performance.now() - this.t0) / 1000,
        sessions: stats.sessions,
        completed: stats.completed,
      });
    }
  }

  /** Stops the loop, then takes one last sample of everything. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.sampleAll();
  }
}

/** One sample of every watched process, kept as its `idleBefore` or `idleAfter`. */
export async function sampleIdle(
  watched: readonly Watched[],
  into: 'idleBefore' | 'idleAfter',
  t0: number,
): Promise<void> {
  await Promise.all(
    watched.map(async (w) => {
      const sample = await sampleProcess(w, t0).catch(() => undefined);
      if (sample) w.series[into] = sample;
    }),
  );
}

/** The cluster's gateways and its sink, not yet sampled. */
export function watchCluster(
  cluster: Cluster,
  ports: readonly number[],
  gatewayUrls: readonly string[],
): Watched[] {
  const watched: Watched[] = [];
  ports.forEach((port, i) => {
    const proc = cluster.gateways.get(port);
    if (proc) {
      watched.push({
        series: { name: `gateway ${i + 1}`, kind: 'gateway', samples: [], sampleErrors: 0 },
        proc,
        metricsUrl: `${gatewayUrls[i] ?? ''}/metrics`,
      });
    }
  });
  const sink = cluster.sinks[0];
  if (sink) {
    watched.push({
      series: { name: 'sink', kind: 'sink', samples: [], sampleErrors: 0 },
      proc: sink,
      metricsUrl: `${cluster.sinkHealthUrls[0] ?? ''}/metrics`,
    });
  }
  return watched;
}

/**
 * An inspector session on each watched process (the cluster runs with
 * `--inspect=127.0.0.1:0`); every gateway must have one.
 */
export async function attachInspectors(watched: readonly Watched[], cleanup: Cleanup) {
  // Closed before the cluster stops (cleanup runs newest first): an attached inspector
  // could hold a process's exit.
  cleanup.defer('inspector sessions', async () => {
    for (const w of watched) await w.session?.close();
  });
  for (const w of watched) {
    const url = inspectorUrl(w.proc.logs());
    if (url) w.session = await InspectorSession.connect(url);
    else if (w.series.kind === 'gateway') throw new Error(`no inspector URL from ${w.series.name}`);
  }
}

/** Waits (at most `maxMs`) until every gateway has as many connections as before the load. */
export async function waitConnectionsBack(watched: readonly Watched[], maxMs: number) {
  const baseline = (w: Watched) => w.series.idleBefore?.connections;
  const settled = performance.now() + maxMs;
  while (performance.now() < settled) {
    const now = await Promise.all(
      watched
        .filter((w) => w.series.kind === 'gateway')
        .map(
          async (w) =>
            metricValue(await fetchText(w.metricsUrl), 'chat_socket_connections') === baseline(w),
        ),
    ).catch(() => [false]);
    if (now.every(Boolean)) break;
    await sleep(250);
  }
}
