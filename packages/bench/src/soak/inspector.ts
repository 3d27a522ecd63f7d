/**
 * A minimal Chrome DevTools Protocol client for a Node process started with
 * `--inspect=127.0.0.1:0`: forces a full GC, reads memory and active resources, takes heap
 * snapshots — no change to the process's code. No domain is enabled (no debugger overhead).
 */
import { createWriteStream } from 'node:fs';
import WebSocket from 'ws';

/** The inspector's WebSocket URL, from the `Debugger listening on ws://…` line of its output. */
export function inspectorUrl(output: string): string | undefined {
  return /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(output)?.[1];
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface CdpMessage {
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { message: string };
}

/** `process.memoryUsage()` of the inspected process. */
export interface MemoryUsage {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface AfterGc {
  /** How long the forced GC took (round trip), ms. */
  gcMs: number;
  memory: MemoryUsage;
  /** `process.getActiveResourcesInfo()` counted by type (`Timeout`, `TCPSocketWrap`, …). */
  resources: Record<string, number>;
}

export class InspectorSession {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, (params: unknown) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString()
        : Buffer.from(data as ArrayBuffer).toString();
      const message = JSON.parse(text) as CdpMessage;
      if (message.id !== undefined) {
        const p = this.pending.get(message.id);
        if (!p) return;
        this.pending.delete(message.id);
        clearTimeout(p.timer);
        if (message.error) p.reject(new Error(message.error.message));
        else p.resolve(message.result);
      } else if (message.method) this.listeners.get(message.method)?.(message.params);
    });
    ws.on('close', () => {
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new Error('inspector connection closed'));
        this.pending.delete(id);
      }
    });
  }

  static connect(url: string, timeoutMs = 10_000): Promise<InspectorSession> {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new InspectorSession(ws)));
      ws.once('error', reject);
    });
  }

  send<T>(method: string, params: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.ws.readyState !== WebSocket.OPEN) {
        reject(new Error(`${method}: inspector not connected`));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: (r) => resolve(r as T), reject, timer });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Evaluates `expression` in the process's main context and returns its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const out = await this.send<{
      result: { value?: unknown };
      exceptionDetails?: { text: string };
    }>('Runtime.evaluate', { expression, returnByValue: true, silent: true });
    if (out.exceptionDetails) throw new Error(`evaluate: ${out.exceptionDetails.text}`);
    return out.result.value as T;
  }

  /** A full, forced garbage collection, then memory and active resources. */
  async afterGc(): Promise<AfterGc> {
    const started = performance.now();
    await this.send('HeapProfiler.collectGarbage');
    const gcMs = performance.now() - started;
    const { memory, resources } = await this.evaluate<{ memory: MemoryUsage; resources: string[] }>(
      '({ memory: process.memoryUsage(), resources: process.getActiveResourcesInfo() })',
    );
    const counted: Record<string, number> = {};
    for (const r of resources) counted[r] = (counted[r] ?? 0) + 1;
    return { gcMs, memory, resources: counted };
  }

  /** Writes a heap snapshot (it forces a GC first) to `file`. */
  async heapSnapshot(file: string, timeoutMs = 300_000): Promise<void> {
    const out = createWriteStream(file);
    this.listeners.set('HeapProfiler.addHeapSnapshotChunk', (params) => {
      out.write((params as { chunk: string }).chunk);
    });
    try {
      await this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false }, timeoutMs);
    } finally {
      this.listeners.delete('HeapProfiler.addHeapSnapshotChunk');
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    }
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 2000);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close();
    });
  }
}
