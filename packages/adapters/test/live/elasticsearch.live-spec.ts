import { randomUUID } from 'node:crypto';
import { describeSearchIndexConformance } from '@chat/core/conformance';
import { Client } from '@elastic/elasticsearch';
import { describe } from 'vitest';
import { ElasticsearchSearchIndex } from '../../src/elasticsearch/elasticsearch-search-index.js';

/**
 * The search conformance suite against a real Elasticsearch (with the `analysis-nori` plugin),
 * opt-in: `ELASTICSEARCH_URL=http://localhost:9200 pnpm --filter @chat/adapters test`.
 * Each run uses its own template, index and alias and deletes them afterwards.
 */
const url = process.env.ELASTICSEARCH_URL;

describe.skipIf(url === undefined)('Elasticsearch (live)', () => {
  describeSearchIndexConformance(`${ElasticsearchSearchIndex.name} on ${url ?? '-'}`, async () => {
    const client = new Client({ node: url });
    const prefix = `chat-test-${randomUUID().slice(0, 8)}`;
    // wait_for: a batch is searchable when putBatch resolves, as the suite expects.
    const sut = new ElasticsearchSearchIndex(client, { prefix, refresh: 'wait_for' });
    await sut.ensureIndex();
    return {
      sut,
      cleanup: async () => {
        await client.indices.delete({ index: `${prefix}-messages-*` });
        await client.indices.deleteIndexTemplate({ name: sut.templateName });
        await client.close();
      },
    };
  });
});
