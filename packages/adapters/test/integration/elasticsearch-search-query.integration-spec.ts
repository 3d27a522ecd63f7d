import { ChatError } from '@chat/contracts';
import { makeMessage } from '@chat/core/conformance';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ElasticsearchSearchIndex,
  encodeCursor,
} from '../../src/elasticsearch/elasticsearch-search-index.js';
import { mockedIndex, responseError, type MockedIndex } from '../support/elasticsearch-mock.js';

let sut: ElasticsearchSearchIndex;
let requests: MockedIndex['requests'];
let route: MockedIndex['route'];
beforeEach(() => {
  ({ sut, requests, route } = mockedIndex());
});

const messages = [1, 2, 3].map((seq) =>
  makeMessage('room-1', seq, { content: `<b>채팅방</b> hello ${seq}` }),
);
const hit = (m: (typeof messages)[number], highlight?: Record<string, string[]>) => ({
  _index: 'test-messages-000001',
  _id: m.id,
  _score: null,
  _source: { ...m },
  sort: [Date.parse(m.createdAt), m.id],
  ...(highlight && { highlight }),
});
const answer = (...hits: object[]) => ({
  took: 1,
  timed_out: false,
  _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
  hits: { hits },
});

const expectedBody = (size: number) => ({
  size,
  track_total_hits: false,
  query: {
    bool: {
      filter: [{ terms: { roomId: ['room-1', 'room-2'] } }, { term: { kind: 'user' } }],
      must: [
        {
          multi_match: {
            query: '채팅 hello',
            fields: ['content', 'content.ngram', 'fileNames', 'fileNames.ngram'],
            type: 'best_fields',
            operator: 'and',
          },
        },
      ],
    },
  },
  highlight: {
    pre_tags: ['<mark>'],
    post_tags: ['</mark>'],
    encoder: 'html',
    fields: {
      content: { number_of_fragments: 1, fragment_size: 200, no_match_size: 0 },
      'content.ngram': { number_of_fragments: 1, fragment_size: 200, no_match_size: 0 },
    },
  },
  sort: [{ createdAt: { order: 'desc' } }, { id: { order: 'desc' } }],
});

describe(`${ElasticsearchSearchIndex.name} search`, () => {
  it('filters by the caller rooms, requires every term, highlights and pages with search_after', async () => {
    const [m3, m2, m1] = [...messages].reverse();
    if (!m1 || !m2 || !m3) throw new Error('fixture');
    route('POST', '/test-messages/_search', answer(hit(m3), hit(m2), hit(m1)), answer(hit(m1)));
    const query = {
      query: '채팅 hello',
      roomIds: ['room-1', 'room-2'],
      limit: 2,
      sort: 'newest' as const,
    };

    const first = await sut.search(query);
    expect(requests[0]?.body).toEqual(expectedBody(3));
    expect(first.hits.map((h) => h.message)).toEqual([m3, m2]);
    expect(first.hits[0]?.highlights).toEqual([
      '&lt;b&gt;<mark>채팅</mark>방&lt;/b&gt; <mark>hello</mark> 3',
    ]);
    expect(first.nextCursor).toBe(encodeCursor('newest', [Date.parse(m2.createdAt), m2.id]));

    const second = await sut.search({ ...query, cursor: first.nextCursor ?? '' });
    expect(requests[1]?.body).toEqual({
      ...expectedBody(3),
      search_after: [Date.parse(m2.createdAt), m2.id],
    });
    expect(second.hits.map((h) => h.message)).toEqual([m1]);
    expect(second.nextCursor).toBeNull();
  });

  it('sorts by score first for relevance', async () => {
    route('POST', '/test-messages/_search', answer());
    await sut.search({ query: 'hello', roomIds: ['room-1'], limit: 5, sort: 'relevance' });
    expect(requests[0]?.body).toMatchObject({
      sort: [
        { _score: { order: 'desc' } },
        { createdAt: { order: 'desc' } },
        { id: { order: 'desc' } },
      ],
    });
  });

  it("falls back to Elasticsearch's fragment when the shared highlighter marks nothing", async () => {
    const [m] = messages;
    if (!m) throw new Error('fixture');
    route(
      'POST',
      '/test-messages/_search',
      answer(hit(m, { content: ['<mark>stem</mark> match'] })),
    );
    const page = await sut.search({
      query: 'stemmed',
      roomIds: ['room-1'],
      limit: 5,
      sort: 'newest',
    });
    expect(page.hits[0]?.highlights).toEqual(['<mark>stem</mark> match']);
  });

  it('returns a hit found by a file name with its attachments and the name highlighted', async () => {
    const pdf = { id: 'att-1', name: 'budget <draft>.pdf', type: 'application/pdf', size: 3 };
    const m = makeMessage('room-1', 4, { content: 'numbers', attachments: [pdf] });
    route(
      'POST',
      '/test-messages/_search',
      answer({ ...hit(m), _source: { ...m, fileNames: [pdf.name] } }),
    );
    const page = await sut.search({
      query: 'budget',
      roomIds: ['room-1'],
      limit: 5,
      sort: 'newest',
    });
    expect(page.hits[0]?.message.attachments).toEqual([pdf]);
    expect(page.hits[0]?.highlights).toEqual(['numbers', '<mark>budget</mark> &lt;draft&gt;.pdf']);
  });

  it('sends nothing for no rooms or a query without terms', async () => {
    const empty = { hits: [], nextCursor: null };
    expect(await sut.search({ query: 'x', roomIds: [], limit: 5, sort: 'newest' })).toEqual(empty);
    expect(await sut.search({ query: '"*:', roomIds: ['r'], limit: 5, sort: 'newest' })).toEqual(
      empty,
    );
    expect(requests).toEqual([]);
  });

  it('refuses a cursor it did not make, or one from the other sort', async () => {
    const query = { query: 'x', roomIds: ['r'], limit: 5 };
    const bad = [
      { ...query, sort: 'newest' as const, cursor: 'not-a-cursor' },
      { ...query, sort: 'relevance' as const, cursor: encodeCursor('newest', [1, 'a']) },
    ];
    for (const q of bad) {
      await expect(sut.search(q)).rejects.toEqual(
        new ChatError('BAD_REQUEST', 'invalid search cursor'),
      );
    }
  });

  it('retries a search answered with 429', async () => {
    route('POST', '/test-messages/_search', responseError(429), answer());
    await sut.search({ query: 'hello', roomIds: ['room-1'], limit: 5, sort: 'newest' });
    expect(requests).toHaveLength(2);
  });
});

describe(`${ElasticsearchSearchIndex.name} deleteRoom`, () => {
  it('deletes the room by query, proceeding on conflicts and refreshing', async () => {
    route('POST', '/test-messages/_delete_by_query', { deleted: 3, failures: [] });
    await sut.deleteRoom('room-1');
    expect(requests).toEqual([
      {
        method: 'POST',
        path: '/test-messages/_delete_by_query',
        querystring: { conflicts: 'proceed', refresh: 'true' },
        body: { query: { term: { roomId: 'room-1' } } },
      },
    ]);
  });
});
