import type { LoadGenerator } from '../generator/handle.js';
import type { StepArgs, StepResult } from '../generator/protocol.js';
import { cpuSeconds, CpuMeter } from '../infra/proc.js';
import { sleep } from '../stats.js';

/** One system under a fan-out ramp: its generator and the processes whose CPU is reported. */
export interface RampSystem {
  name: string;
  generator: LoadGenerator;
  /** Server processes by name (CPU per step; "quiet" waits on them). */
  servers: () => Record<string, number | undefined>;
  /** Other processes worth metering (redis, dynalite, sink…). */
  others?: () => Record<string, number | undefined>;
  /** What its steps do, when not plain new messages (edits, reactions, rich content). */
  stepArgs?: Pick<StepArgs, 'action' | 'richContent'>;
}

export interface RampStep extends StepResult {
  /** CPU % of one core per process over the step (generator, servers, others). */
  processCpu: Record<string, number>;
  sustained: boolean;
  /** Deliveries still missing after the system went quiet (`lost` minus late arrivals). */
  lostFinal: number;
  lateDelivered: number;
}

export interface RampResult {
  name: string;
  steps: RampStep[];
}

export interface RampOptions {
  rates: readonly number[];
  stepMs: number;
  drainMs: number;
  settleMs: number;
  members: number;
}

/** The latency of the step's last quarter rose well above its first quarter's: a queue grew. */
export function queueGrew(step: StepResult): boolean {
  // Optional: results files of older runs (re-rendered with --report-only) lack the quarters.
  const first = step.latencyFirstQuarter?.p50;
  const last = step.latencyLastQuarter?.p50;
  return first !== undefined && last !== undefined && last > 2 * first + 20;
}

/**
 * A step is sustained when nothing is lost, duplicated or refused, no socket drops, p99 stays
 * under a second, and the system is in a steady state: the median latency of the messages sent
 * in the last quarter of the step is at most twice (+20 ms) that of the first quarter — a queue
 * that keeps growing is saturation even while every message still arrives.
 */
export function isSustained(step: StepResult): boolean {
  return (
    !queueGrew(step) &&
    step.lost === 0 &&
    step.duplicates === 0 &&
    step.ackErrors === 0 &&
    step.disconnects === 0 &&
    step.acked === step.sent &&
    step.latency.p99 < 1000
  );
}

let stepCounter = 0;
/** Step numbers are unique per run (they tag the messages). */
export const nextStepNumber = () => ++stepCounter;

/**
 * Runs the same rate steps against every system, interleaved (system A at rate r, then B at
 * r, then A at the next rate…) so background noise hits them alike. A system stops after
 * its first step that is not sustained.
 */
export async function runRamps(
  systems: readonly RampSystem[],
  options: RampOptions,
  log: (line: string) => void,
): Promise<RampResult[]> {
  const results = systems.map((s) => ({ name: s.name, steps: [] as RampStep[], done: false }));
  // Unreported warm-up (JIT, connection pools, caches) at half the first rate.
  const first = options.rates[0] ?? 100;
  for (const system of systems) {
    const w = await system.generator.call('step', {
      ...system.stepArgs,
      step: nextStepNumber(),
      rate: Math.max(10, first / 2),
      durationMs: Math.min(3000, options.stepMs),
      drainMs: options.drainMs,
    });
    log(`${system.name.padEnd(18)} warm-up at ${w.rate} msg/s: p99 ${w.latency.p99.toFixed(1)} ms`);
    await waitQuiet(system.servers(), 5000);
  }
  for (const rate of options.rates) {
    if (results.every((r) => r.done)) break;
    for (const [i, system] of systems.entries()) {
      const result = results[i];
      if (!result || result.done) continue;
      const meter = new CpuMeter(() => ({
        generator: system.generator.pid,
        ...system.servers(),
        ...system.others?.(),
      }));
      meter.begin();
      const step = await system.generator.call('step', {
        ...system.stepArgs,
        step: nextStepNumber(),
        rate,
        durationMs: options.stepMs,
        drainMs: options.drainMs,
      });
      const processCpu = meter.end();
      const sustained = isSustained(step);
      log(
        `${system.name.padEnd(18)} ${String(rate).padStart(5)} msg/s: ` +
          `${step.deliveredPerSec.toFixed(0).padStart(6)} deliveries/s, ` +
          `p50 ${step.latency.p50.toFixed(1)} p99 ${step.latency.p99.toFixed(1)} ` +
          `max ${step.latency.max.toFixed(0)} ms, lost ${step.lost}, dup ${step.duplicates}, ` +
          `acked ${step.acked}/${step.sent}, ack p50 ${step.ackLatency.p50.toFixed(1)} ms, cpu ` +
          Object.entries(processCpu)
            .map(([k, v]) => `${k} ${v.toFixed(0)}%`)
            .join(' ') +
          (sustained ? '' : '  ← saturated'),
      );
      if (!sustained) result.done = true;
      // Let this system's backlog (gateways, sink catching up) drain before the next step of
      // any system, so it does not eat the next one's CPU.
      await waitQuiet({ ...system.servers(), ...system.others?.() }, sustained ? 10_000 : 30_000);
      await sleep(options.settleMs);
      const [recount] = await system.generator.call('recount', { steps: [step.step] });
      result.steps.push({
        ...step,
        processCpu,
        sustained,
        lostFinal: recount?.lost ?? step.lost,
        lateDelivered: recount?.lateDelivered ?? 0,
        duplicates: recount?.duplicates ?? step.duplicates,
      });
    }
  }
  return results.map(({ name, steps }) => ({ name, steps }));
}

/** Waits until each process uses under 15 % of a core (a backlog has drained), bounded. */
export async function waitQuiet(
  pids: Record<string, number | undefined>,
  maxMs: number,
): Promise<void> {
  const deadline = performance.now() + maxMs;
  const list = Object.values(pids).filter((p): p is number => p !== undefined);
  while (performance.now() < deadline) {
    const before = list.map((pid) => cpuSeconds(pid) ?? 0);
    await sleep(300);
    const busy = list.some((pid, i) => ((cpuSeconds(pid) ?? 0) - (before[i] ?? 0)) / 0.3 > 0.15);
    if (!busy) return;
  }
}

/** The highest rate a system sustained, with its step. */
export function bestSustained(result: RampResult): RampStep | undefined {
  return result.steps.filter((s) => s.sustained).at(-1);
}
