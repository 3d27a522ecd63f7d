/** What a soak run records (`.results/soak-<mode>.json`), read back by `--report-only`. */
import type { ChurnStats } from '../generator/protocol.js';
import type { Machine } from '../infra/machine.js';
import type { ForeignLoad } from '../infra/proc.js';
import type { HeapGrowth } from '../report/heap-snapshot.js';
import type { SoakOptions } from './options.js';

/** One look at one process. */
export interface ProcSample {
  /** Seconds since the load started. */
  t: number;
  rssBytes?: number;
  /** `process.memoryUsage()` right after a forced full GC. */
  heapUsed?: number;
  heapTotal?: number;
  external?: number;
  arrayBuffers?: number;
  /** The forced GC's round trip, ms. */
  gcMs?: number;
  /** `nodejs_heap_size_used_bytes` of `/metrics`, before the GC (what a dashboard shows). */
  heapUsedNoGc?: number;
  /** `nodejs_eventloop_lag_p99_seconds` of `/metrics`, in ms: how late timers fire. */
  eventLoopLagP99Ms?: number;
  /** `chat_socket_connections` (gateways). */
  connections?: number;
  /** `process.getActiveResourcesInfo()` by type: timers (`Timeout`), sockets, … */
  resources?: Record<string, number>;
  /** CPU since the previous sample, % of one core. */
  cpuPct?: number;
}

export interface ProcessSeries {
  name: string;
  kind: 'gateway' | 'sink';
  samples: ProcSample[];
  sampleErrors: number;
  /** Before the load (long-lived members connected) and after it (churn gone, settled). */
  idleBefore?: ProcSample;
  idleAfter?: ProcSample;
  /** Heap growth by object kind between the snapshots (`--snapshots`). */
  snapshotGrowth?: { totalBytes: number; kinds: HeapGrowth[] };
}

/** One base-load step, as counted at the end (late deliveries included). */
export interface SoakStep {
  /** Seconds since the load started, at the step's start. */
  t: number;
  sent: number;
  acked: number;
  ackErrors: number;
  ackErrorCodes: Record<string, number>;
  expected: number;
  delivered: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  misrouted: number;
  disconnects: number;
  p50: number;
  p99: number;
  max: number;
  deliveredPerSec: number;
}

export interface StorageCheck {
  /** Acked base-load messages looked for. */
  acked: number;
  stored: number;
  missing: number;
  /** Base-load messages stored under more than one seq (extra copies). */
  storedTwice: number;
  /** Churn messages sent into the long-lived rooms: acked, and distinct ones stored. */
  churnAcked: number;
  churnStored: number;
  churnStoredTwice: number;
  /** Until the sink had nothing pending after the load, ms. */
  sinkDrainMs: number;
  readMs: number;
}

export interface ChurnPoint {
  t: number;
  sessions: number;
  completed: number;
}

export interface SoakResults {
  meta: {
    startedAt: string;
    durationS: number;
    loadS: number;
    mode: SoakOptions['mode'];
    command: string;
    machine: Machine;
    loadavgStart: number[];
    loadavgEnd: number[];
    foreign: ForeignLoad;
    options: Omit<SoakOptions, 'out' | 'plot' | 'linkFrom' | 'raw' | 'reportOnly' | 'keepData'>;
    setupMs: number;
    churnPool: number;
    /** Stopped by SIGINT / SIGTERM: no report is written. */
    interrupted?: boolean;
  };
  processes: ProcessSeries[];
  steps: SoakStep[];
  churn?: ChurnStats;
  churnPoints: ChurnPoint[];
  storage?: StorageCheck;
  errors: { what: string; message: string }[];
}
