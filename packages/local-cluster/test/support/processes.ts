import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

interface ProcessInfo {
  pid: number;
  ppid: number;
  state: string;
}

/** `/proc/<pid>/stat`'s state and parent (the command name may hold spaces and parentheses). */
function info(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state = '', ppid = ''] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(ppid), state };
  } catch {
    return undefined; // gone
  }
}

const allPids = (): number[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);

/** Whether `pid` is a live process (a zombie has exited: it holds no port and runs nothing). */
export const isAlive = (pid: number): boolean => {
  const found = info(pid);
  return found !== undefined && found.state !== 'Z';
};

/** Every live descendant of `root`: children, their children, … */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const found = info(pid);
    if (!found || found.state === 'Z') continue;
    children.set(found.ppid, [...(children.get(found.ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() ?? 0) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

const readable = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

const cwdOf = (pid: number): string => {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return '';
  }
};

/**
 * Live processes whose command line, environment or working folder contains `marker` (e.g. a
 * test's own data folder, which every process of a local cluster gets): what a test started,
 * and only that. redis-server rewrites its command line, but works in its data folder.
 */
export function processesMentioning(marker: string): number[] {
  return allPids().filter(
    (pid) =>
      pid !== process.pid &&
      isAlive(pid) &&
      (readable(`/proc/${pid}/cmdline`).includes(marker) ||
        readable(`/proc/${pid}/environ`).includes(marker) ||
        cwdOf(pid).includes(marker)),
  );
}

/** SIGKILLs each pid that is still alive (clean-up of what a failing test left behind). */
export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    } catch {
      // Gone between the check and the signal.
    }
  }
}
