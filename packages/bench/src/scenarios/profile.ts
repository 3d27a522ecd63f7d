import type { ManagedProcess } from '@chat/local-cluster';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { LoadGenerator } from '../generator/handle.js';
import { CpuMeter } from '../infra/proc.js';
import { summarizeProfiles, type ProfileSummary } from '../report/cpu-profile.js';
import { epochNow } from '../stats.js';
import {
  bestSustained,
  isSustained,
  nextStepNumber,
  type RampResult,
  type RampStep,
} from './ramp.js';

export interface ProfileResult {
  rate: number;
  durationMs: number;
  step: RampStep;
  summary: ProfileSummary;
  files: string[];
  command: string;
}

export interface ProfiledServer {
  url: string;
  proc: ManagedProcess;
  /** Epoch ms just before the process was spawned (the profile's clock starts with it). */
  startedAt: number;
}

/** The rate to profile at: the first step a ramp did not sustain, else its last one. */
export function profileRate(ramp: RampResult | undefined, rates: readonly number[]): number {
  const knee = ramp?.steps.find((s) => !s.sustained)?.rate;
  return knee ?? (ramp ? bestSustained(ramp)?.rate : undefined) ?? rates.at(-1) ?? 1000;
}

/** Node 20 refuses --cpu-prof in NODE_OPTIONS: it goes on the command line. */
export const profileArgs = (dir: string) => ['--cpu-prof', `--cpu-prof-dir=${dir}`];

/**
 * A CPU profile of servers at saturation: `starts` launch them with `profileArgs(dir)`, the
 * generator's users reconnect to them, one step runs at `rate`, the servers stop (writing their
 * profiles) and the samples taken while the generator was sending are summarised.
 */
export async function profileStep(options: {
  generator: LoadGenerator;
  dir: string;
  /** Starts one profiled server each (in parallel). */
  starts: (() => Promise<ProfiledServer>)[];
  rate: number;
  durationMs: number;
  members: number;
  command: string;
}): Promise<ProfileResult> {
  const { generator, dir, rate, durationMs } = options;
  mkdirSync(dir, { recursive: true });
  const servers: ProfiledServer[] = [];
  try {
    // Settled, so a server that did start is stopped below even if another one failed.
    const started = await Promise.allSettled(options.starts.map((start) => start()));
    for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    await generator.call('reconnect', { targets: servers.map((r) => r.url) });
    const meter = new CpuMeter(() => ({
      generator: generator.pid,
      ...Object.fromEntries(servers.map((r, i) => [`server ${i + 1}`, r.proc.pid])),
    }));
    meter.begin();
    const from = epochNow();
    const result = await generator.call('step', {
      step: nextStepNumber(),
      rate,
      durationMs,
      drainMs: 5000,
    });
    const to = from + result.sendMs;
    const processCpu = meter.end();
    const pids = new Set(servers.map((r) => r.proc.pid));
    for (const r of servers) await r.proc.stop();
    const windows = readdirSync(dir)
      // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main thread.
      .filter((f) => f.endsWith('.cpuprofile'))
      .filter((f) => pids.has(Number(f.split('.')[3])) && f.split('.')[4] === '0')
      .map((f) => {
        const pid = Number(f.split('.')[3]);
        const startedAt = servers.find((r) => r.proc.pid === pid)?.startedAt ?? from;
        return { file: path.join(dir, f), fromMs: from - startedAt, toMs: to - startedAt };
      });
    if (windows.length === 0) throw new Error(`no CPU profiles were written to ${dir}`);
    return {
      rate,
      durationMs,
      step: {
        ...result,
        processCpu,
        sustained: isSustained(result),
        lostFinal: result.lost,
        lateDelivered: 0,
      },
      summary: summarizeProfiles(windows),
      files: windows.map((w) => w.file),
      command: options.command,
    };
  } finally {
    for (const r of servers) await r.proc.stop();
  }
}
