import { connectScaled, type ScaledConnections } from '@chat/adapters';
import {
  backoffDelayMs,
  DEFAULT_SINK_RUNNER_OPTIONS,
  registerSinkMetrics,
  SearchSink,
  SinkRunner,
  StoreSink,
  type Sink,
  type SinkObserver,
} from '@chat/core';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { SinkConfig, SinkName } from './config.js';

/**
 * One worker process: a `SinkRunner` per configured sink (consumer group = sink name), the
 * dependencies behind them, and the metrics that `/metrics` serves. Scale out by running more
 * processes: each group shares its entries among them.
 */
export class SinkWorker {
  readonly registry = new Registry();
  private readonly connections: ScaledConnections;
  private readonly runners: SinkRunner[];

  constructor(
    private readonly config: SinkConfig,
    private readonly logger: Logger,
  ) {
    this.connections = connectScaled(config.scaled, (err) =>
      logger.error({ err }, 'dependency error'),
    );
    const observer = this.metrics();
    this.runners = config.sinks.map(
      (name) =>
        new SinkRunner(
          this.connections.groups,
          this.sinkFor(name),
          {
            ...DEFAULT_SINK_RUNNER_OPTIONS,
            group: name,
            consumer: config.consumer,
            batchSize: config.batchSize,
            claimIdleMs: config.claimIdleMs,
            startupClaimIdleMs: config.claimIdleMs,
          },
          observer,
        ),
    );
  }

  get checks() {
    return this.connections.checks;
  }

  /** Provisions the store and index (retrying while they are unreachable), then starts. */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.connections.provision();
        break;
      } catch (err) {
        const waitMs = backoffDelayMs(attempt - 1, { baseDelayMs: 400, maxDelayMs: 5000 });
        this.logger.warn({ err, attempt, waitMs }, 'dependencies not reachable yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
    for (const runner of this.runners) await runner.start();
    this.logger.info({ sinks: this.config.sinks, consumer: this.config.consumer }, 'sinks started');
  }

  /** Finishes the batches in hand, then closes every connection. */
  async stop(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
    await this.connections.close();
  }

  private sinkFor(name: SinkName): Sink {
    switch (name) {
      case 'store':
        return new StoreSink(this.connections.messages);
      case 'search':
        return new SearchSink(this.connections.search);
    }
  }

  private metrics(): SinkObserver {
    collectDefaultMetrics({ register: this.registry });
    return registerSinkMetrics(
      this.registry,
      this.connections.groups,
      this.config.sinks,
      this.logger,
    );
  }
}
