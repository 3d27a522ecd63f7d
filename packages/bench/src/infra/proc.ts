import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

let clockTicks: number | undefined;

/** Clock ticks per second (`getconf CLK_TCK`, 100 on Linux). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU seconds a process has used so far (Linux `/proc`), or undefined. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

/** Resident set size in bytes (`VmRSS`), or undefined. */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU use of named processes between `start` and `stop`, in % of one core. */
export class CpuMeter {
  private readonly start = new Map<string, { pid: number; cpu: number }>();
  private startedAt = 0;

  constructor(private readonly pids: () => Record<string, number | undefined>) {}

  begin(): void {
    this.start.clear();
    this.startedAt = performance.now();
    for (const [name, pid] of Object.entries(this.pids())) {
      const cpu = pid === undefined ? undefined : cpuSeconds(pid);
      if (pid !== undefined && cpu !== undefined) this.start.set(name, { pid, cpu });
    }
  }

  end(): Record<string, number> {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const out: Record<string, number> = {};
    for (const [name, { pid, cpu }] of this.start) {
      const now = cpuSeconds(pid);
      if (now !== undefined && seconds > 0) out[name] = ((now - cpu) / seconds) * 100;
    }
    return out;
  }
}

interface ProcInfo {
  ppid: number;
  cpu: number;
  cmd: string;
}

function readProcesses(): Map<number, ProcInfo> {
  const procs = new Map<number, ProcInfo>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return procs;
  }
  const tick = ticksPerSecond();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      procs.set(Number(entry), {
        ppid: Number(fields[1]),
        cpu: (Number(fields[11]) + Number(fields[12])) / tick,
        cmd: cmdline || stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      });
    } catch {
      // The process exited while we read it.
    }
  }
  return procs;
}

/** Busy jiffies and total jiffies of the whole machine (`/proc/stat`). */
function machineJiffies(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

export interface ForeignLoad {
  /** Machine CPU busy over the run, % of all cores. */
  machineBusyPct: number;
  /** CPU seconds used by processes outside this benchmark's process tree. */
  foreignCpuSeconds: number;
  /** The same, as % of all cores over the run. */
  foreignPct: number;
  top: { cmd: string; cpuSeconds: number }[];
}

/**
 * Samples every process every few seconds and adds up the CPU used by processes that are not
 * descendants of this one: what else ran on the machine during the benchmark.
 */
export class ForeignLoadSampler {
  private last = readProcesses();
  private readonly usage = new Map<string, number>();
  private readonly startJiffies = machineJiffies();
  private readonly startedAt = performance.now();
  private timer: NodeJS.Timeout | undefined;

  start(intervalMs = 3000): void {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    const now = readProcesses();
    const mine = new Set<number>([process.pid]);
    // Parents come before children often but not always: iterate to a fixed point (bounded).
    for (let pass = 0; pass < 8; pass++) {
      let grew = false;
      for (const [pid, info] of now) {
        if (!mine.has(pid) && mine.has(info.ppid)) {
          mine.add(pid);
          grew = true;
        }
      }
      if (!grew) break;
    }
    for (const [pid, info] of now) {
      const before = this.last.get(pid);
      if (!before || mine.has(pid) || before.cmd !== info.cmd) continue;
      const delta = info.cpu - before.cpu;
      if (delta <= 0) continue;
      const key = info.cmd.slice(0, 100);
      this.usage.set(key, (this.usage.get(key) ?? 0) + delta);
    }
    this.last = now;
  }

  stop(): ForeignLoad {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const end = machineJiffies();
    const cores = Math.max(1, cpus().length);
    const seconds = Math.max(0.001, (performance.now() - this.startedAt) / 1000);
    const total = end.total - this.startJiffies.total;
    const foreign = [...this.usage.values()].reduce((a, b) => a + b, 0);
    return {
      machineBusyPct: total > 0 ? ((end.busy - this.startJiffies.busy) / total) * 100 : 0,
      foreignCpuSeconds: foreign,
      foreignPct: (foreign / (seconds * cores)) * 100,
      top: [...this.usage]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([cmd, cpuSeconds]) => ({ cmd, cpuSeconds })),
    };
  }
}
