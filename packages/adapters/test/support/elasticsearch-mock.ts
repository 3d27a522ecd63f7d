import type { errors } from '@elastic/elasticsearch';
import type { MockPattern } from '@elastic/elasticsearch-mock';
import { ElasticsearchSearchIndex } from '../../src/elasticsearch/elasticsearch-search-index.js';
import { mockedClient, responseError } from '../../src/testing/elasticsearch-mock.js';

export { responseError };

export type Reply = Record<string, unknown> | errors.ResponseError;

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
  const { client, mock } = mockedClient({ maxRetries: 0 });
  const requests: MockPattern[] = [];
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
