import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallName, Calls, Reply, Request } from './protocol.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WORKER = path.join(HERE, 'worker.ts');
const PACKAGE_DIR = path.resolve(HERE, '../..');

interface Pending {
  resolve: (value: Calls[CallName][1]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** The orchestrator's handle on one load-generator child process. */
export class LoadGenerator {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private output = '';
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-16_384);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('message', (raw: unknown) => this.onReply(raw as Reply));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        const error = new Error(
          `load generator ${name} exited (${code ?? signal ?? '?'}):\n${this.output}`,
        );
        for (const [id, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(error);
          this.pending.delete(id);
        }
        resolve();
      }),
    );
  }

  static start(name: string): LoadGenerator {
    const child = fork(WORKER, [], {
      cwd: PACKAGE_DIR,
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    return new LoadGenerator(name, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call<K extends CallName>(call: K, args: Calls[K][0], timeoutMs = 600_000): Promise<Calls[K][1]> {
    const id = this.nextId++;
    return new Promise<Calls[K][1]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`load generator ${this.name}: ${call} took over ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      const request: Request<K> = { id, call, args };
      // With a callback a closed channel (the worker stopped, e.g. on Ctrl-C) fails this call
      // instead of emitting an unhandled 'error' on the child process.
      this.child.send(request, (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new Error(`load generator ${this.name}: ${call}: ${error.message}`));
      });
    });
  }

  private onReply(reply: Reply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    clearTimeout(p.timer);
    if (reply.ok) p.resolve(reply.result);
    else p.reject(new Error(`load generator ${this.name}: ${reply.error}`));
  }

  /** Disconnects IPC (the worker exits on it), then SIGTERM/SIGKILL by PID if it lingers. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.disconnect();
    const term = setTimeout(() => this.child.kill('SIGTERM'), 3000);
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 8000);
    try {
      await this.exited;
    } finally {
      clearTimeout(term);
      clearTimeout(kill);
    }
  }
}
