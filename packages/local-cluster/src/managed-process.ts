import { spawn, type ChildProcess } from 'node:child_process';
import { findOnPath } from './requirements.js';

// The port and polling helpers live in test-support; the processes here use them.
export { freePort, waitFor } from '@chat/test-support';

/** True once `url` answers with a 2xx status. */
export const answers = (url: string) => () => fetch(url).then((r) => r.ok);

/**
 * util-linux's `setpriv`, which sets the parent-death signal and then execs the command (same
 * PID): the kernel signals the child when the process that started it dies, SIGKILL included.
 */
const SETPRIV = process.platform === 'linux' ? findOnPath('setpriv') : undefined;
const withParentDeathSignal = (command: string, args: string[]): [string, string[]] =>
  SETPRIV ? [SETPRIV, ['--pdeathsig', 'SIGTERM', '--', command, ...args]] : [command, args];

/** Every child still running, so an exiting parent can stop them however it exits. */
const running = new Set<ManagedProcess>();
process.once('exit', () => {
  for (const proc of running) proc.signalGroup('SIGTERM');
});

/**
 * A child process this machine started and will stop: output kept (last 64 KB) for error
 * messages, stopped with SIGTERM, then SIGKILL after a grace period.
 *
 * No child outlives its parent: each runs in its own process group, signalled as a group (so
 * nginx's workers go with their master), gets SIGTERM from the kernel when the parent dies
 * (`setpriv --pdeathsig`, Linux), and is signalled when the parent exits on its own.
 */
export class ManagedProcess {
  private output = '';
  readonly exited: Promise<number | string>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer | string) => {
      this.output = (this.output + chunk.toString()).slice(-65_536);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    running.add(this);
    this.exited = new Promise((resolve) => {
      // A command that cannot be started (ENOENT) emits `error` and no `exit`.
      child.once('error', (error) => {
        keep(`${error.message}\n`);
        running.delete(this);
        resolve('error');
      });
      child.once('exit', (code, signal) => {
        running.delete(this);
        resolve(code ?? signal ?? 'unknown');
      });
    });
  }

  static start(
    name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv = {},
    cwd?: string,
  ) {
    const [file, argv] = withParentDeathSignal(command, args);
    const child = spawn(file, argv, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    return new ManagedProcess(name, child);
  }

  get running(): boolean {
    return (
      this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  logs(): string {
    return this.output;
  }

  /** Fails with the process's output if it has exited. */
  assertRunning(): void {
    if (!this.running) throw new Error(`${this.name} exited:\n${this.output}`);
  }

  /** Signals the child's whole process group (the child leads it). */
  signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || !this.running) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already (ESRCH): nothing left to signal.
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | string> {
    this.signalGroup(signal);
    return this.exited;
  }

  async stop(graceMs = 10_000): Promise<number | string> {
    if (!this.running) return this.exited;
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
