import { Counter, Gauge, type Registry } from 'prom-client';
import type { ConsumerGroups, GroupStats } from '../ports/index.js';
import type { SinkObserver } from './sink-runner.js';

/** Where sink warnings go: a pino logger, or anything with its `warn(fields, message)`. */
export interface SinkWarnings {
  warn(fields: object, message: string): void;
}

/**
 * The sinks' Prometheus metrics, the same in the sink worker and in the embedded gateway:
 * counters of entries written, dead-lettered and failed writes, and gauges of each group's lag,
 * pending entries and dead letters, read from `groups` at scrape time. Returns the observer
 * the sink runners report to.
 */
export function registerSinkMetrics(
  registry: Registry,
  groups: ConsumerGroups,
  sinks: readonly string[],
  warnings: SinkWarnings,
): SinkObserver {
  const labelNames = ['sink'] as const;
  const registers = [registry];
  const written = new Counter({
    name: 'chat_sink_written_total',
    help: 'Log entries written by a sink',
    labelNames,
    registers,
  });
  const deadLettered = new Counter({
    name: 'chat_sink_dead_lettered_total',
    help: 'Poison log entries moved to the dead-letter list',
    labelNames,
    registers,
  });
  const errors = new Counter({
    name: 'chat_sink_errors_total',
    help: 'Failed sink writes (retried with backoff)',
    labelNames,
    registers,
  });
  const gauges: [string, string, keyof GroupStats][] = [
    ['chat_sink_lag', 'Log entries not yet delivered to the sink group', 'lag'],
    ['chat_sink_pending', 'Entries delivered to the group but not acknowledged', 'pending'],
    ['chat_sink_dead_letters', 'Entries in the dead-letter list of the group', 'deadLetters'],
  ];
  // The three gauges are collected together on each scrape: they share one stats read per sink.
  let reading: Promise<GroupStats[]> | undefined;
  const readStats = (): Promise<GroupStats[]> =>
    (reading ??= Promise.all(sinks.map((sink) => groups.stats(sink))).finally(() => {
      reading = undefined;
    }));
  for (const [name, help, field] of gauges) {
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        const stats = await readStats();
        sinks.forEach((sink, i) => this.set({ sink }, stats[i]?.[field] ?? 0));
      },
    });
  }
  return {
    written: (sink, count) => written.inc({ sink }, count),
    deadLettered: (sink, entry, reason) => {
      deadLettered.inc({ sink });
      warnings.warn({ sink, entryId: entry.entryId, reason }, 'log entry dead-lettered');
    },
    failed: (sink, error, attempt) => {
      errors.inc({ sink });
      warnings.warn({ sink, attempt, err: error }, 'sink write failed; retrying');
    },
  };
}
