import { ChatError } from '@chat/contracts';
import { describe, expect, it } from 'vitest';
import { describeSearchIndexConformance } from '../conformance/index.js';
import { SqliteSearchIndex } from './sqlite-search-index.js';
import { tempFactory } from './temp-database.js';

const factory = tempFactory((db) => new SqliteSearchIndex(db));

describeSearchIndexConformance(SqliteSearchIndex.name, factory);

describe(`${SqliteSearchIndex.name} cursors`, () => {
  const badRequest = (search: Promise<unknown>) =>
    Promise.all([
      expect(search).rejects.toBeInstanceOf(ChatError),
      expect(search).rejects.toMatchObject({ code: 'BAD_REQUEST' }),
    ]);

  it('rejects a cursor it did not issue, or one issued for the other sort', async () => {
    const { sut, cleanup } = await factory();
    try {
      const base = { query: 'x', roomIds: ['r'], limit: 1 } as const;
      await sut.putBatch(
        ['x one', 'x two'].map((content, i) => ({
          id: `m${i}`,
          roomId: 'r',
          seq: i + 1,
          userId: 'u',
          content,
          createdAt: new Date(i * 1000).toISOString(),
          kind: 'user' as const,
        })),
      );
      const { nextCursor } = await sut.search({ ...base, sort: 'newest' });
      expect(nextCursor).not.toBeNull();
      await badRequest(sut.search({ ...base, sort: 'newest', cursor: 'garbage' }));
      await badRequest(sut.search({ ...base, sort: 'relevance', cursor: nextCursor ?? '' }));
    } finally {
      await cleanup();
    }
  });
});
