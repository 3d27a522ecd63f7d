import {
  DEFAULT_SINK_RUNNER_OPTIONS,
  registerSinkMetrics,
  SearchSink,
  SinkRunner,
  StoreSink,
  type SinkWarnings,
} from '@chat/core';
import type { Registry } from 'prom-client';
import type { Infrastructure } from '../infra/infrastructure.js';

/**
 * In embedded mode the store and search sinks run inside the gateway process, with the same
 * loop the separate sink workers use.
 */
export class EmbeddedSinks {
  private readonly runners: SinkRunner[];

  /** The sinks report to `registry` with the metrics the sink worker exports. */
  constructor(infra: Infrastructure, registry: Registry, warnings: SinkWarnings) {
    const sinks = [new StoreSink(infra.messages), new SearchSink(infra.search)];
    const observer = registerSinkMetrics(
      registry,
      infra.groups,
      sinks.map((sink) => sink.name),
      warnings,
    );
    this.runners = sinks.map(
      (sink) =>
        new SinkRunner(
          infra.groups,
          sink,
          {
            ...DEFAULT_SINK_RUNNER_OPTIONS,
            group: sink.name,
            consumer: 'embedded',
            // No other process can hold these entries: take over at once after a restart.
            startupClaimIdleMs: 0,
          },
          observer,
        ),
    );
  }

  async start(): Promise<void> {
    for (const runner of this.runners) await runner.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }
}
