import type { BenchResults, Meta } from '../../run.js';
import type { BacklogResult } from '../../scenarios/persistence/backlog.js';
import type { IndexMicroResult } from '../../scenarios/persistence/index-adapters.js';
import type { LagResult } from '../../scenarios/persistence/lag.js';
import type { RawWriteResult } from '../../scenarios/persistence/raw-writes.js';
import { ms, num, pct, table } from '../format.js';

/** Ack → stored and ack → searchable at a steady rate. */
function lag(l: LagResult, m: Meta): string[] {
  return [
    `**Lag at a steady ${num(l.rate)} msg/s** for ${num(l.durationMs / 1000)} s (the same cluster, all ` +
      `${m.rooms} rooms sending). For ${l.trackedRooms} rooms (${num(l.trackedMessages)} messages) probes poll ` +
      'the newest stored message (DynamoDB through the store adapter, strongly consistent) and the newest ' +
      'searchable one (`GET /chat/search` for a tag only that step and room carry, newest first); a message ' +
      'is stored / searchable at the first probe answer that includes its seq, measured from its ack at the ' +
      `sender. Probe resolution: one probe per room every ~${num(l.storedPollMs)} ms (store) and ` +
      `~${num(l.searchPollMs)} ms (search).`,
    '',
    table(
      ['', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'never seen'],
      [
        [
          'ack → stored (DynamoDB)',
          ms(l.stored.p50),
          ms(l.stored.p90),
          ms(l.stored.p99),
          ms(l.stored.max),
          num(l.missingStored),
        ],
        [
          'ack → searchable',
          ms(l.searchable.p50),
          ms(l.searchable.p90),
          ms(l.searchable.p99),
          ms(l.searchable.max),
          num(l.missingSearchable),
        ],
      ],
    ),
    '',
  ];
}

/** The sink draining a backlog: messages/s per group, its CPU. */
function backlog(b: BacklogResult): string[] {
  return [
    `**Sink throughput.** The sink worker was stopped, ${num(b.messages)} messages were sent (a backlog ` +
      'in the Redis Streams log), and the sink was started again; its `chat_sink_written_total` counters ' +
      'were polled until both consumer groups had written the whole backlog. One sink process runs both ' +
      'groups (store and search) concurrently, as `startCluster` runs it.',
    '',
    table(
      [
        'backlog',
        'store msgs/s',
        'search index msgs/s',
        'sink CPU',
        'sink CPU per 1k msgs',
        'dynalite CPU',
        'sink start-up',
      ],
      [
        [
          num(b.messages),
          num(b.storePerSec),
          num(b.searchPerSec),
          pct(b.sinkCpuPct),
          `${num(b.sinkCpuMsPer1k)} ms`,
          pct(b.dynaliteCpuPct),
          `${num(b.startupMs)} ms`,
        ],
      ],
    ),
    '',
  ];
}

/** The sink's store rate against a raw `BatchWriteItem` loop over the same messages. */
function rawWrites(r: RawWriteResult, b: BacklogResult): string[] {
  return [
    `**Sink cost against a raw \`BatchWriteItem\` loop** on the same ${num(r.messages)} messages (read back ` +
      'from the store, the same item shape and key design, into a fresh table of the same dynalite):',
    '',
    table(
      ['path', 'msgs/s', 'sink store rate as a share of it'],
      [
        [
          'sink worker, store group (XREADGROUP → decode → putBatch → XACK)',
          num(b.storePerSec),
          '–',
        ],
        [
          'raw BatchWriteItem, 25 items per call, one call at a time',
          num(r.sequentialPerSec),
          pct((b.storePerSec / r.sequentialPerSec) * 100),
        ],
        [
          `raw BatchWriteItem, ${r.concurrency} calls in flight`,
          num(r.concurrentPerSec),
          pct((b.storePerSec / r.concurrentPerSec) * 100),
        ],
      ],
    ),
    '',
  ];
}

/** The index adapters alone, in the orchestrator process. */
function indexAdapters(i: IndexMicroResult): string[] {
  return [
    `**Index adapters alone** (in the orchestrator process, the same ${num(i.messages)} messages in batches ` +
      `of ${i.batch}): Elasticsearch adapter against \`@elastic/elasticsearch-mock\` (request building, ` +
      `client and mock parsing; no network) **${num(i.elasticsearchMockPerSec)} msgs/s**; SQLite FTS index ` +
      `(the local cluster's index, fsync on) **${num(i.sqlitePerSec)} msgs/s**.`,
    '',
  ];
}

/** Section 3: persistence lag, sink throughput, its cost against raw writes, index adapters. */
export function persistenceSection(results: BenchResults): string[] {
  const p = results.persistence;
  return [
    '## 3. Persistence: sink throughput and lag',
    '',
    ...(p?.lag ? lag(p.lag, results.meta) : []),
    ...(p?.backlog ? backlog(p.backlog) : []),
    ...(p?.raw && p.backlog ? rawWrites(p.raw, p.backlog) : []),
    ...(p?.index ? indexAdapters(p.index) : []),
    ...(p ? [] : ['_Not run._', '']),
  ];
}
