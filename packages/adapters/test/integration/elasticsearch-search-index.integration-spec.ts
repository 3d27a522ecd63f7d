import { PermanentSinkError } from '@chat/core';
import { makeMessage } from '@chat/core/conformance';
import { errors } from '@elastic/elasticsearch';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  BulkIndexError,
  ElasticsearchSearchIndex,
  indexTemplateBody,
} from '../../src/elasticsearch/elasticsearch-search-index.js';
import template from '../../src/elasticsearch/index-template.json' with { type: 'json' };
import { mockedIndex, responseError, type MockedIndex } from '../support/elasticsearch-mock.js';

/**
 * A mock cannot evaluate queries, so these tests pin down the exact requests the adapter sends
 * and how it treats errors; `test/live/` runs the search conformance suite on a real cluster.
 */

let sut: ElasticsearchSearchIndex;
let requests: MockedIndex['requests'];
let route: MockedIndex['route'];
beforeEach(() => {
  ({ sut, requests, route } = mockedIndex());
});

const roomId = 'room-1';
const [hello, system, bye] = [
  makeMessage(roomId, 1, { content: 'Hello 채팅방', clientMsgId: 'c-1' }),
  makeMessage(roomId, 2, { kind: 'system', content: 'alice joined' }),
  makeMessage(roomId, 3, { content: 'bye' }),
];
const doc = (m: typeof hello) => {
  const { id, roomId: room, seq, userId, kind, createdAt, content, clientMsgId } = m;
  return {
    id,
    roomId: room,
    seq,
    userId,
    kind,
    createdAt,
    content,
    ...(clientMsgId && { clientMsgId }),
  };
};
const bulkItem = (id: string, status: number, type?: string) => ({
  index: {
    _index: 'test-messages-000001',
    _id: id,
    status,
    ...(type && { error: { type, reason: `${type} reason` } }),
  },
});

describe(`${ElasticsearchSearchIndex.name} index template`, () => {
  it('puts the shared template with nori and the CJK fallback, then creates the aliased index', async () => {
    route('PUT', '/_index_template/test-messages', { acknowledged: true });
    route('HEAD', '/_alias/test-messages', responseError(404));
    route('PUT', '/test-messages-000001', { acknowledged: true, index: 'test-messages-000001' });
    await sut.ensureIndex();
    expect(requests.map((r) => `${String(r.method)} ${String(r.path)}`)).toEqual([
      'PUT /_index_template/test-messages',
      'HEAD /_alias/test-messages',
      'PUT /test-messages-000001',
    ]);
    expect(requests[0]?.body).toEqual({ ...template, index_patterns: ['test-messages-*'] });
    expect(requests[0]?.body).toEqual(indexTemplateBody('test'));
    const { analysis } = template.template.settings;
    expect(analysis.tokenizer.korean_mixed).toEqual({
      type: 'nori_tokenizer',
      decompound_mode: 'mixed',
      discard_punctuation: true,
    });
    expect(analysis.filter.cjk_unigram_bigram).toEqual({
      type: 'cjk_bigram',
      output_unigrams: true,
    });
    expect(template.template.mappings.properties.content).toMatchObject({
      analyzer: 'korean',
      fields: { ngram: { analyzer: 'cjk_fallback_index', search_analyzer: 'cjk_fallback_search' } },
    });
    expect(requests[2]?.body).toEqual({ aliases: { 'test-messages': { is_write_index: true } } });
  });

  it('adds fields that are new since an existing index was made to its mapping', async () => {
    route('PUT', '/_index_template/test-messages', { acknowledged: true });
    route('HEAD', '/_alias/test-messages', {});
    route('PUT', '/test-messages/_mapping', { acknowledged: true });
    await sut.ensureIndex();
    expect(requests.map((r) => `${String(r.method)} ${String(r.path)}`)).toEqual([
      'PUT /_index_template/test-messages',
      'HEAD /_alias/test-messages',
      'PUT /test-messages/_mapping',
    ]);
    expect(requests[2]?.body).toEqual({ properties: template.template.mappings.properties });
    expect(template.template.mappings.properties.fileNames).toEqual(
      template.template.mappings.properties.content,
    );
  });
});

describe(`${ElasticsearchSearchIndex.name} bulk indexing`, () => {
  it('sends one index action per user message with _id = message id', async () => {
    route('POST', '/_bulk', {
      errors: false,
      items: [bulkItem(hello.id, 201), bulkItem(bye.id, 201)],
    });
    await sut.putBatch([hello, system, bye]);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.querystring).toEqual({ refresh: 'false' });
    expect(requests[0]?.body).toEqual([
      { index: { _index: 'test-messages', _id: hello.id } },
      doc(hello),
      { index: { _index: 'test-messages', _id: bye.id } },
      doc(bye),
    ]);
  });

  it("indexes an attachment's file name for search and keeps the attachments with the document", async () => {
    const pdf = { id: 'att-1', name: 'plan.pdf', type: 'application/pdf', size: 3 };
    const withFile = makeMessage(roomId, 7, { content: 'the plan', attachments: [pdf] });
    route('POST', '/_bulk', { errors: false, items: [bulkItem(withFile.id, 201)] });
    await sut.putBatch([withFile]);
    expect(requests[0]?.body).toEqual([
      { index: { _index: 'test-messages', _id: withFile.id } },
      { ...doc(withFile), fileNames: ['plan.pdf'], attachments: [pdf] },
    ]);
  });

  it('rewrites an edited message and removes a deleted one by room and seq, after a refresh', async () => {
    route('GET', '/test-messages/_refresh', { _shards: { total: 1, successful: 1, failed: 0 } });
    route('POST', '/test-messages/_update_by_query', { updated: 1, failures: [] });
    route('POST', '/test-messages/_delete_by_query', { deleted: 1, failures: [] });
    const edit = makeMessage(roomId, 4, { kind: 'edit', target: 1, content: 'edited 채팅' });
    const like = makeMessage(roomId, 5, { kind: 'reaction', target: 1, emoji: '👍', on: true });
    const gone = makeMessage(roomId, 6, { kind: 'delete', target: 3, content: '' });
    await sut.applyChanges([edit, like, gone]);
    expect(requests.map((r) => r.path)).toEqual([
      '/test-messages/_refresh',
      '/test-messages/_update_by_query',
      '/test-messages/_delete_by_query',
    ]);
    const byRoomAndSeq = (seq: number) => ({
      bool: { filter: [{ term: { roomId } }, { term: { seq } }] },
    });
    expect(requests[1]?.body).toMatchObject({
      query: byRoomAndSeq(1),
      script: { params: { content: 'edited 채팅' } },
    });
    expect(requests[2]?.body).toMatchObject({ query: byRoomAndSeq(3) });
  });

  it('sends nothing for a batch of reactions only', async () => {
    await sut.applyChanges([
      makeMessage(roomId, 4, { kind: 'reaction', target: 1, emoji: '👍', on: true }),
    ]);
    expect(requests).toEqual([]);
  });

  it('does not index a message that arrives already deleted', async () => {
    route('POST', '/_bulk', { errors: false, items: [bulkItem(bye.id, 201)] });
    await sut.putBatch([{ ...hello, content: '', deleted: true }, bye]);
    expect(requests[0]?.body).toEqual([
      { index: { _index: 'test-messages', _id: bye.id } },
      doc(bye),
    ]);
  });

  it('retries only the items rejected with 429 or 5xx', async () => {
    route(
      'POST',
      '/_bulk',
      {
        errors: true,
        items: [bulkItem(hello.id, 429, 'es_rejected_execution_exception'), bulkItem(bye.id, 201)],
      },
      { errors: true, items: [bulkItem(hello.id, 503, 'unavailable_shards_exception')] },
      { errors: false, items: [bulkItem(hello.id, 200)] },
    );
    await sut.putBatch([hello, bye]);
    expect(requests.map((r) => r.body)).toEqual([
      [
        { index: { _index: 'test-messages', _id: hello.id } },
        doc(hello),
        { index: { _index: 'test-messages', _id: bye.id } },
        doc(bye),
      ],
      [{ index: { _index: 'test-messages', _id: hello.id } }, doc(hello)],
      [{ index: { _index: 'test-messages', _id: hello.id } }, doc(hello)],
    ]);
  });

  it('sends again an item the bulk response does not answer for', async () => {
    route(
      'POST',
      '/_bulk',
      { errors: false, items: [bulkItem(hello.id, 201)] },
      { errors: false, items: [bulkItem(bye.id, 201)] },
    );
    await sut.putBatch([hello, bye]);
    expect(requests.map((r) => r.body)).toEqual([
      [
        { index: { _index: 'test-messages', _id: hello.id } },
        doc(hello),
        { index: { _index: 'test-messages', _id: bye.id } },
        doc(bye),
      ],
      [{ index: { _index: 'test-messages', _id: bye.id } }, doc(bye)],
    ]);
  });

  it('reports items rejected with another 4xx as permanent and does not retry them', async () => {
    route('POST', '/_bulk', {
      errors: true,
      items: [bulkItem(hello.id, 400, 'mapper_parsing_exception'), bulkItem(bye.id, 201)],
    });
    const error = await sut.putBatch([hello, bye]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BulkIndexError);
    expect(error).toMatchObject({
      permanent: true,
      failures: [
        {
          id: hello.id,
          status: 400,
          retryable: false,
          reason: 'mapper_parsing_exception: mapper_parsing_exception reason',
        },
      ],
    });
    expect(String(error)).toContain(hello.id);
    expect(requests).toHaveLength(1);
  });

  it('leaves items still refused with 429 when retries run out to the sink loop, naming none as permanent', async () => {
    route(
      'POST',
      '/_bulk',
      {
        errors: true,
        items: [bulkItem(hello.id, 429, 'es_rejected_execution_exception'), bulkItem(bye.id, 201)],
      },
      { errors: true, items: [bulkItem(hello.id, 429, 'es_rejected_execution_exception')] },
    );
    const error = await sut.putBatch([hello, bye]).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Not acked and not dead-lettered: a PermanentSinkError that names no envelope makes the
    // sink loop retry the whole batch later.
    expect(error).toBeInstanceOf(PermanentSinkError);
    expect(error).toMatchObject({
      permanent: false,
      envelopeIds: [],
      failures: [{ id: hello.id, status: 0, retryable: true }],
    });
    expect(requests).toHaveLength(4); // maxAttempts
  });

  it('names only the items refused with another 4xx when 429s outlast the retries too', async () => {
    route(
      'POST',
      '/_bulk',
      {
        errors: true,
        items: [
          bulkItem(hello.id, 400, 'mapper_parsing_exception'),
          bulkItem(bye.id, 429, 'es_rejected_execution_exception'),
        ],
      },
      { errors: true, items: [bulkItem(bye.id, 429, 'es_rejected_execution_exception')] },
    );
    const error = await sut.putBatch([hello, bye]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ permanent: false, envelopeIds: [hello.id] });
    expect(requests.map((r) => r.body)).toEqual([
      [
        { index: { _index: 'test-messages', _id: hello.id } },
        doc(hello),
        { index: { _index: 'test-messages', _id: bye.id } },
        doc(bye),
      ],
      ...Array.from({ length: 3 }, () => [
        { index: { _index: 'test-messages', _id: bye.id } },
        doc(bye),
      ]),
    ]);
  });

  it('retries the whole request when Elasticsearch answers 503', async () => {
    route('POST', '/_bulk', responseError(503), responseError(503), {
      errors: false,
      items: [bulkItem(bye.id, 201)],
    });
    await sut.putBatch([bye]);
    expect(requests).toHaveLength(3);
  });

  it('gives up after maxAttempts of 503 with the last error', async () => {
    route('POST', '/_bulk', responseError(503));
    await expect(sut.putBatch([bye])).rejects.toBeInstanceOf(errors.ResponseError);
    expect(requests).toHaveLength(4);
  });

  it('does not retry a whole request refused with 400', async () => {
    route('POST', '/_bulk', responseError(400));
    await expect(sut.putBatch([bye])).rejects.toBeInstanceOf(errors.ResponseError);
    expect(requests).toHaveLength(1);
  });
});
