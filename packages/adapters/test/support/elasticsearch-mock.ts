import { createRequire } from 'node:module';
import { Client, type BaseConnection, type errors } from '@elastic/elasticsearch';
import type * as Elasticsearch from '@elastic/elasticsearch';
import type * as MockModule from '@elastic/elasticsearch-mock';
import type { MockPattern } from '@elastic/elasticsearch-mock';
import { ElasticsearchSearchIndex } from '../../src/elasticsearch/elasticsearch-search-index.js';

// The mock is CommonJS and checks `instanceof` against the CommonJS build of the client's
// errors, so both come through `require` (the ESM build has its own, distinct classes).
const require = createRequire(import.meta.url);
// `module.exports` is the class; NodeNext types a CommonJS default export as `.default.default`.
const Mock = require('@elastic/elasticsearch-mock') as typeof MockModule.default.default;
const cjsErrors = (require('@elastic/elasticsearch') as typeof Elasticsearch).errors;

export type Reply = Record<string, unknown> | errors.ResponseError;

/** The error the client raises for an HTTP error status. */
export const responseError = (statusCode: number): errors.ResponseError =>
  new cjsErrors.ResponseError({
    body: { error: { type: 'unavailable', reason: 'try later' }, status: statusCode },
    statusCode,
    headers: {},
    warnings: null,
    meta: {
      context: null,
      name: 'mock',
      request: { params: { method: 'POST', path: '/' }, options: {}, id: 1 },
      connection: null,
      attempts: 0,
      aborted: false,
    },
  });

export interface MockedIndex {
  sut: ElasticsearchSearchIndex;
  /** Every request the adapter sent, in order, with its parsed body and query string. */
  requests: MockPattern[];
  /** Answers `method path` with `replies` in turn (the last one repeats). */
  route: (method: string, path: string, ...replies: Reply[]) => void;
}

/**
 * An adapter (prefix `test`) on a client whose connection is `@elastic/elasticsearch-mock`;
 * the client's own retries are off so that every retry seen is the adapter's.
 */
export function mockedIndex(): MockedIndex {
  const mock = new Mock();
  const requests: MockPattern[] = [];
  const client = new Client({
    node: 'http://localhost:9200',
    // Same class at run time; only the typings of the two builds differ (see above).
    Connection: mock.getConnection() as unknown as typeof BaseConnection,
    maxRetries: 0,
  });
  const sut = new ElasticsearchSearchIndex(client, {
    prefix: 'test',
    retry: { baseDelayMs: 1, maxAttempts: 4 },
  });
  return {
    sut,
    requests,
    route: (method, path, ...replies) => {
      let call = 0;
      mock.add({ method, path }, (params: MockPattern) => {
        requests.push(params);
        const reply = replies[Math.min(call++, replies.length - 1)];
        if (!reply) throw new Error(`no reply for ${method} ${path}`);
        return reply;
      });
    },
  };
}
