import { describe, expect, it } from 'vitest';
import { describeRoomStoreConformance } from '../conformance/index.js';
import { SqliteRoomStore } from './sqlite-room-store.js';
import { tempFactory } from './temp-database.js';

const factory = tempFactory((db) => new SqliteRoomStore(db));

describeRoomStoreConformance(SqliteRoomStore.name, factory);

describe(`${SqliteRoomStore.name} guards`, () => {
  it('refuses a second room with the same id and members for a missing room', async () => {
    const { sut, cleanup } = await factory();
    try {
      const room = { roomId: 'r', name: 'n', ownerId: 'a', createdAt: 'now', members: ['a'] };
      await sut.create(room);
      await expect(sut.create({ ...room, members: ['b'] })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      expect((await sut.get('r'))?.members).toEqual(['a']);
      await expect(sut.addMembers('missing', ['a'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await sut.markRead('missing', 'a', 3)).toBe(false);
    } finally {
      await cleanup();
    }
  });
});
