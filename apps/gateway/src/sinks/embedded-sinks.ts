import {
  DEFAULT_SINK_RUNNER_OPTIONS,
  SearchSink,
  SinkRunner,
  StoreSink,
  type SinkObserver,
} from '@chat/core';
import type { Infrastructure } from '../infra/infrastructure.js';

/**
 * In embedded mode the store and search sinks run inside the gateway process, with the same
 * loop the separate sink workers use.
 */
export class EmbeddedSinks {
  private readonly runners: SinkRunner[];

  constructor(infra: Infrastructure, observer: SinkObserver) {
    this.runners = [new StoreSink(infra.messages), new SearchSink(infra.search)].map(
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
