import {
  connectScaled,
  ElasticsearchSearchIndex,
  ScaledEnvSchema,
  type RedisStreamsEventLog,
} from '@chat/adapters';
import {
  DEFAULT_SINK_RUNNER_OPTIONS,
  SearchSink,
  SinkRunner,
  type DependencyCheck,
  type LogEntry,
} from '@chat/core';
import { mockedClient, responseError } from '@chat/adapters/testing';
import type { Client } from '@elastic/elasticsearch';
import type { MockPattern } from '@elastic/elasticsearch-mock';

/** What Elasticsearch answers for an HTTP error status during the outage. */
const refused = (statusCode: number, type: string) =>
  responseError(statusCode, type, `${type} (mock outage)`);

/** The `_id` of each action of a bulk body (an `index` action line, then its document). */
const bulkIds = (body: MockPattern['body']): string[] => {
  const lines = Array.isArray(body) ? body : [];
  const ids: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const action = lines[i] as { index?: { _id?: unknown } } | undefined;
    if (!action?.index) throw new Error(`unexpected bulk line: ${JSON.stringify(action)}`);
    ids.push(String(action.index._id));
    i++; // the document that follows the action
  }
  return ids;
};

/** How `POST /_bulk` answers the `n`th request of an outage. */
type Refusal = 'all-items-429' | 'whole-429' | 'whole-503' | 'items-429' | 'items-503';

/**
 * An outage starts with a run of 200s refusing every item with 429, longer than the adapter's
 * own retries (8 attempts by default), so that the sink runner has to retry the batch. Then it
 * repeats what a saturated cluster mixes: a whole-request 429, four whole-request 503s in a row
 * (the client retries a 503 three times itself, so the fourth reaches the adapter), and 200s
 * with some items refused with 429 or 503.
 */
export const ALL_ITEMS_REFUSED_CALLS = 10;
export const CYCLE: readonly Refusal[] = [
  'whole-429',
  'whole-503',
  'whole-503',
  'whole-503',
  'whole-503',
  'items-429',
  'items-503',
];
const refusalFor = (n: number): { refusal: Refusal; round: number } => {
  if (n < ALL_ITEMS_REFUSED_CALLS) return { refusal: 'all-items-429', round: 0 };
  const m = n - ALL_ITEMS_REFUSED_CALLS;
  return { refusal: CYCLE[m % CYCLE.length] ?? 'whole-429', round: Math.floor(m / CYCLE.length) };
};

/** The status a 200 bulk response gives item `i` (undefined: indexed). */
const itemStatus = (refusal: Refusal, round: number, i: number): 429 | 503 | undefined => {
  switch (refusal) {
    case 'all-items-429':
      return 429;
    // Which items are refused shifts from round to round, so every item eventually gets in.
    case 'items-429':
      return (i + round) % 2 === 0 ? 429 : undefined;
    case 'items-503':
      return (i + round) % 3 === 0 ? 503 : undefined;
    case 'whole-429':
    case 'whole-503':
      return undefined;
  }
};

export interface OverloadedElasticsearch {
  /** A real client (default options, as `connectScaled` builds it) on the mock Connection. */
  client: Client;
  /**
   * While true, `POST /_bulk` refuses work the ways a saturated cluster does (see `CYCLE`) and
   * `HEAD /` (the readiness ping) answers 503.
   */
  outage: boolean;
  /** `_id` of every item a bulk response reported as indexed. */
  indexed: Set<string>;
  /** `_id` of every item refused with a per-item status inside a 200 bulk response. */
  refusedItems: Set<string>;
  counts: {
    bulkCalls: number;
    /** Bulk requests answered during the outage. */
    outageCalls: number;
    whole429: number;
    whole503: number;
    item429: number;
    item503: number;
    ping503: number;
  };
}

/**
 * Elasticsearch as `@elastic/elasticsearch-mock` answers it: index provisioning succeeds; bulk
 * requests index every item (recording its `_id`) unless `outage` is on.
 */
export function overloadedElasticsearch(): OverloadedElasticsearch {
  const { client, mock } = mockedClient();
  const es: OverloadedElasticsearch = {
    client,
    outage: false,
    indexed: new Set(),
    refusedItems: new Set(),
    counts: {
      bulkCalls: 0,
      outageCalls: 0,
      whole429: 0,
      whole503: 0,
      item429: 0,
      item503: 0,
      ping503: 0,
    },
  };
  const { counts } = es;
  mock.add({ method: 'PUT', path: '/_index_template/:name' }, () => ({ acknowledged: true }));
  mock.add({ method: 'HEAD', path: '/_alias/:name' }, () =>
    refused(404, 'aliases_not_found_exception'),
  );
  mock.add({ method: 'PUT', path: '/:index' }, () => ({ acknowledged: true }));
  // Edits and deletions in the log: a refresh, then a by-query rewrite or removal.
  mock.add({ method: 'GET', path: '/:index/_refresh' }, () => ({ _shards: { failed: 0 } }));
  mock.add({ method: 'POST', path: '/:index/_update_by_query' }, () => ({ updated: 1 }));
  mock.add({ method: 'POST', path: '/:index/_delete_by_query' }, () => ({ deleted: 1 }));
  mock.add({ method: 'HEAD', path: '/' }, () => {
    if (!es.outage) return {};
    counts.ping503++;
    return refused(503, 'master_not_discovered_exception');
  });
  mock.add({ method: 'POST', path: '/_bulk' }, (params) => {
    counts.bulkCalls++;
    const ids = bulkIds(params.body);
    const { refusal, round } = es.outage
      ? refusalFor(counts.outageCalls++)
      : { refusal: undefined, round: 0 };
    if (refusal === 'whole-429') {
      counts.whole429++;
      return refused(429, 'es_rejected_execution_exception');
    }
    if (refusal === 'whole-503') {
      counts.whole503++;
      return refused(503, 'unavailable_shards_exception');
    }
    const items = ids.map((id, i) => {
      const status = refusal && itemStatus(refusal, round, i);
      if (!status) {
        es.indexed.add(id);
        return { index: { _index: 'chat-messages-000001', _id: id, status: 201 } };
      }
      es.refusedItems.add(id);
      if (status === 429) counts.item429++;
      else counts.item503++;
      const type =
        status === 429 ? 'es_rejected_execution_exception' : 'unavailable_shards_exception';
      return {
        index: {
          _index: 'chat-messages-000001',
          _id: id,
          status,
          error: { type, reason: `${type} (mock outage)` },
        },
      };
    });
    return { took: 1, errors: items.some((item) => item.index.status >= 400), items };
  });
  return es;
}

/** What the runner reported, as `SinkObserver` calls. */
export interface SinkEvents {
  written: number;
  failed: unknown[];
  deadLettered: { entry: LogEntry; reason: string }[];
}

export interface SearchSinkProcess {
  group: string;
  events: SinkEvents;
  /** The readiness checks a sink worker serves on `/ready`, with this search index. */
  checks: DependencyCheck[];
  log: RedisStreamsEventLog;
  /** Stops the runner, drops its consumer group (so it holds back no trim) and disconnects. */
  stop(): Promise<void>;
}

/**
 * A search sink on the cluster's log, wired as the sink worker wires one: `connectScaled` on the
 * cluster's environment, an `ElasticsearchSearchIndex` as `connectScaled` makes one (index
 * prefix from the environment, default retries) but on `client`, provisioned, and a
 * `SinkRunner` with the worker's options in consumer group `group`.
 */
export async function startSearchSink(
  env: Record<string, string>,
  client: Client,
  group: string,
): Promise<SearchSinkProcess> {
  const scaled = ScaledEnvSchema.parse(env);
  // Its `search` (the cluster's SQLite index) goes unused: this sink writes to `index`.
  const connections = connectScaled(scaled, () => undefined);
  const index = new ElasticsearchSearchIndex(client, { prefix: scaled.ELASTICSEARCH_INDEX_PREFIX });
  await index.ensureIndex();
  const events: SinkEvents = { written: 0, failed: [], deadLettered: [] };
  const claimIdleMs = Number(env['SINK_CLAIM_IDLE_MS'] ?? 30_000);
  const runner = new SinkRunner(
    connections.groups,
    new SearchSink(index),
    {
      ...DEFAULT_SINK_RUNNER_OPTIONS,
      group,
      consumer: `${group}-test`,
      claimIdleMs,
      startupClaimIdleMs: claimIdleMs,
    },
    {
      written: (_sink, count) => {
        events.written += count;
      },
      failed: (_sink, error) => {
        events.failed.push(error);
      },
      deadLettered: (_sink, entry, reason) => {
        events.deadLettered.push({ entry, reason });
      },
    },
  );
  await runner.start();
  return {
    group,
    events,
    // The worker's checks, with this index answering for `search`.
    checks: connections.checks.map((check) =>
      check.name === 'search' ? { name: 'search', ping: () => index.ping() } : check,
    ),
    log: connections.log,
    async stop() {
      await runner.stop();
      const streams = await connections.redis.keys(`{${scaled.REDIS_KEY_PREFIX}:log:*}:events`);
      for (const stream of streams) await connections.redis.xgroup('DESTROY', stream, group);
      await connections.close();
    },
  };
}
