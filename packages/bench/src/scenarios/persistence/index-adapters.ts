import { ElasticsearchSearchIndex } from '@chat/adapters';
import type { Message } from '@chat/contracts';
import { openDatabase, SqliteSearchIndex } from '@chat/core';
import { Client, type BaseConnection } from '@elastic/elasticsearch';
import type * as MockModule from '@elastic/elasticsearch-mock';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface IndexMicroResult {
  messages: number;
  batch: number;
  elasticsearchMockPerSec: number;
  sqlitePerSec: number;
}

// The mock is CommonJS and checks `instanceof` against the CommonJS client build.
const require = createRequire(import.meta.url);
const Mock = require('@elastic/elasticsearch-mock') as typeof MockModule.default.default;

/**
 * The index adapters alone, in this process, on the same messages in sink-sized batches:
 * Elasticsearch (request building and the client, answered by `@elastic/elasticsearch-mock`)
 * and the SQLite FTS index the local cluster uses.
 */
export async function measureIndexAdapters(
  messages: readonly Message[],
  dir: string,
): Promise<IndexMicroResult> {
  const batch = 200;
  const mock = new Mock();
  mock.add({ method: 'POST', path: '/_bulk' }, (params) => {
    const ops = Array.isArray(params.body) ? params.body.length / 2 : 0;
    return {
      took: 1,
      errors: false,
      items: Array.from({ length: ops }, () => ({ index: { status: 201, result: 'created' } })),
    };
  });
  const client = new Client({
    node: 'http://localhost:9200',
    Connection: mock.getConnection() as unknown as typeof BaseConnection,
    maxRetries: 0,
  });
  const es = new ElasticsearchSearchIndex(client, { prefix: 'bench' });
  const rate = async (index: (b: readonly Message[]) => Promise<void>) => {
    const t0 = performance.now();
    for (let i = 0; i < messages.length; i += batch) await index(messages.slice(i, i + batch));
    return messages.length / ((performance.now() - t0) / 1000);
  };
  const elasticsearchMockPerSec = await rate((b) => es.putBatch(b));
  // No client.close(): the mock connection does not implement it; nothing is open.
  mkdirSync(dir, { recursive: true });
  const db = openDatabase(path.join(dir, 'index-bench.db'));
  const sqlite = new SqliteSearchIndex(db);
  const sqlitePerSec = await rate((b) => sqlite.putBatch(b));
  await sqlite.close();
  db.close();
  return { messages: messages.length, batch, elasticsearchMockPerSec, sqlitePerSec };
}
