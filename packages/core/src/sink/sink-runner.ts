import { decodeEnvelope, type LogEnvelope } from '@chat/contracts';
import type { ConsumerGroups, LogEntry } from '../ports/index.js';
import { backoffDelayMs } from '../backoff.js';
import { PermanentSinkError, type Sink } from './sink.js';

export interface SinkRunnerOptions {
  /** Consumer group; one per sink, shared by every process running that sink. */
  group: string;
  /** Unique per process, stable across restarts where possible. */
  consumer: string;
  batchSize: number;
  blockMs: number;
  /** Entries pending this long on another consumer are taken over. */
  claimIdleMs: number;
  /** Idle time for the first claim after start (0 in embedded mode: no one else can hold them). */
  startupClaimIdleMs: number;
  retryInitialMs: number;
  retryMaxMs: number;
  /** How often this runner trims the log of entries every group has acknowledged. */
  trimEveryMs: number;
}

export const DEFAULT_SINK_RUNNER_OPTIONS = {
  batchSize: 200,
  blockMs: 1000,
  claimIdleMs: 30_000,
  retryInitialMs: 100,
  retryMaxMs: 5_000,
  trimEveryMs: 10_000,
} satisfies Partial<SinkRunnerOptions>;

/** What the runner reports; the app turns it into metrics and logs. */
export interface SinkObserver {
  written(sink: string, count: number): void;
  deadLettered(sink: string, entry: LogEntry, reason: string): void;
  failed(sink: string, error: unknown, attempt: number): void;
}

interface Decoded {
  entry: LogEntry;
  envelope: LogEnvelope;
}

/**
 * The sink loop: claim stale or read new entries → decode → validate → write → ack.
 * Poison entries go to the dead-letter list (and are acked) so they never block the rest;
 * transient failures are retried with exponential backoff without acking, so a crash at any
 * point redelivers the batch (sinks are idempotent: at-least-once in, exactly-once stored).
 */
export class SinkRunner {
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastClaimAt = 0;
  private lastTrimAt = Date.now();

  constructor(
    private readonly groups: ConsumerGroups,
    private readonly sink: Sink,
    private readonly options: SinkRunnerOptions,
    private readonly observer: SinkObserver,
  ) {}

  async start(): Promise<void> {
    await this.groups.ensureGroup(this.options.group);
    this.loop = this.run();
  }

  /** Stops taking new entries, finishes the batch in hand, and resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let claimIdleMs = this.options.startupClaimIdleMs;
    while (!this.stopping) {
      try {
        const entries = await this.next(claimIdleMs);
        claimIdleMs = this.options.claimIdleMs;
        if (entries.length > 0) await this.process(entries);
        await this.maybeTrim();
      } catch (error) {
        // The log itself is unreachable: keep trying, slowly.
        this.observer.failed(this.sink.name, error, 0);
        await this.pause(this.options.retryMaxMs);
      }
    }
  }

  private async next(claimIdleMs: number): Promise<LogEntry[]> {
    const { group, consumer, batchSize, blockMs } = this.options;
    const now = Date.now();
    if (now - this.lastClaimAt >= Math.min(claimIdleMs, this.options.claimIdleMs)) {
      this.lastClaimAt = now;
      const claimed = await this.groups.claim(group, consumer, claimIdleMs, batchSize);
      if (claimed.length > 0) return claimed;
    }
    return this.groups.read(group, consumer, batchSize, blockMs);
  }

  private async process(entries: readonly LogEntry[]): Promise<void> {
    let batch: Decoded[] = [];
    for (const entry of entries) {
      const decoded = decodeEnvelope(entry.raw);
      if (decoded.ok) batch.push({ entry, envelope: decoded.envelope });
      else await this.deadLetter(entry, `poison entry: ${decoded.reason}`);
    }
    for (let attempt = 1; batch.length > 0 && !this.stopping; attempt++) {
      try {
        await this.sink.handle(batch.map((d) => d.envelope));
        await this.groups.ack(
          this.options.group,
          batch.map((d) => d.entry.entryId),
        );
        this.observer.written(this.sink.name, batch.length);
        return;
      } catch (error) {
        if (error instanceof PermanentSinkError && this.names(batch, error)) {
          batch = await this.dropPermanent(batch, error);
          continue;
        }
        this.observer.failed(this.sink.name, error, attempt);
        await this.pause(
          backoffDelayMs(attempt - 1, {
            baseDelayMs: this.options.retryInitialMs,
            maxDelayMs: this.options.retryMaxMs,
          }),
        );
      }
    }
  }

  /** True when the error names at least one entry of the batch (else: retry it all). */
  private names(batch: readonly Decoded[], error: PermanentSinkError): boolean {
    const ids = new Set(error.envelopeIds);
    return batch.some((d) => ids.has(d.envelope.id));
  }

  private async dropPermanent(batch: Decoded[], error: PermanentSinkError): Promise<Decoded[]> {
    const rejected = new Set(error.envelopeIds);
    for (const d of batch) {
      if (rejected.has(d.envelope.id)) await this.deadLetter(d.entry, error.message);
    }
    return batch.filter((d) => !rejected.has(d.envelope.id));
  }

  private async deadLetter(entry: LogEntry, reason: string): Promise<void> {
    await this.groups.deadLetter(this.options.group, entry, reason);
    this.observer.deadLettered(this.sink.name, entry, reason);
  }

  private async maybeTrim(): Promise<void> {
    if (Date.now() - this.lastTrimAt < this.options.trimEveryMs) return;
    this.lastTrimAt = Date.now();
    await this.groups.trim();
  }

  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
