import type { LogEntry, SinkObserver } from '@chat/core';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';

/** Prometheus metrics of one process; `/metrics` serves `registry`. */
export class Metrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({
    name: 'chat_socket_connections',
    help: 'Open Socket.IO connections on this process',
    registers: [this.registry],
  });
  readonly events = new Counter({
    name: 'chat_client_events_total',
    help: 'Client events handled, by event and outcome code',
    labelNames: ['event', 'code'] as const,
    registers: [this.registry],
  });
  readonly sinkWritten = new Counter({
    name: 'chat_sink_written_total',
    help: 'Log entries written by a sink',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  });
  readonly sinkDeadLettered = new Counter({
    name: 'chat_sink_dead_lettered_total',
    help: 'Poison log entries moved to the dead-letter list',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  });
  readonly sinkErrors = new Counter({
    name: 'chat_sink_errors_total',
    help: 'Failed sink writes (retried with backoff)',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Gauges whose value is read from a source at scrape time (e.g. sink lag). */
  gauge(name: string, help: string, labelNames: string[], read: (g: Gauge) => Promise<void>): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        await read(this);
      },
    });
  }

  sinkObserver(logger: Logger): SinkObserver {
    return {
      written: (sink, count) => this.sinkWritten.inc({ sink }, count),
      deadLettered: (sink, entry: LogEntry, reason) => {
        this.sinkDeadLettered.inc({ sink });
        logger.warn({ sink, entryId: entry.entryId, reason }, 'log entry dead-lettered');
      },
      failed: (sink, error, attempt) => {
        this.sinkErrors.inc({ sink });
        logger.warn({ sink, attempt, err: error }, 'sink write failed; retrying');
      },
    };
  }
}
