/**
 * `@elastic/elasticsearch-mock` for tests: the one stand-in the project allows, because no
 * Elasticsearch server can run on these machines. Imported as `@chat/adapters/testing`, never
 * by product code.
 */
import { createRequire } from 'node:module';
import { Client, type BaseConnection, type errors } from '@elastic/elasticsearch';
import type * as Elasticsearch from '@elastic/elasticsearch';
import type * as MockModule from '@elastic/elasticsearch-mock';

// The mock is CommonJS and checks `instanceof` against the CommonJS build of the client's
// errors, so both come through `require` (the ESM build has its own, distinct classes).
const require = createRequire(import.meta.url);
// `module.exports` is the class; NodeNext types a CommonJS default export as `.default.default`.
const Mock = require('@elastic/elasticsearch-mock') as typeof MockModule.default.default;
const cjsErrors = (require('@elastic/elasticsearch') as typeof Elasticsearch).errors;

export type ElasticsearchMock = InstanceType<typeof Mock>;

/** What the client raises for an HTTP error status with an Elasticsearch error `type`. */
export const responseError = (
  statusCode: number,
  type = 'unavailable',
  reason = 'try later',
): errors.ResponseError =>
  new cjsErrors.ResponseError({
    body: { error: { type, reason }, status: statusCode },
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

/** A real client whose connection is a fresh mock; `options` as the client takes them. */
export function mockedClient(options: { maxRetries?: number } = {}): {
  client: Client;
  mock: ElasticsearchMock;
} {
  const mock = new Mock();
  const client = new Client({
    node: 'http://localhost:9200',
    // Same class at run time; only the typings of the two builds differ (see above).
    Connection: mock.getConnection() as unknown as typeof BaseConnection,
    ...options,
  });
  return { client, mock };
}
