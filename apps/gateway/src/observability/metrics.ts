import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

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

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
