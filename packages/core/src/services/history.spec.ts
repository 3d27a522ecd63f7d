import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embeddedFixture, type EmbeddedFixture } from '../testing/embedded-fixture.js';
import { HistoryReader } from './history.js';

describe(HistoryReader.name, () => {
  let f: EmbeddedFixture;
  let sut: HistoryReader;
  let roomId: string;

  beforeEach(async () => {
    f = await embeddedFixture();
    sut = f.history;
    await f.signIn('alice');
    ({ roomId } = await f.roomService.create('alice', { participants: [] }));
    for (let i = 1; i <= 10; i++)
      await f.messageService.send('alice', { roomId, content: `m${i}` });
  });

  afterEach(() => f.destroy());

  it('returns acked messages no sink has stored yet', async () => {
    expect(await f.messages.page(roomId, { limit: 50 })).toEqual([]);
    const page = await sut.page(roomId, { limit: 4 });
    expect(page.messages.map((m) => m.seq)).toEqual([7, 8, 9, 10]);
    expect(page.hasMore).toBe(true);
  });

  it('merges the store and the log without duplicates or holes', async () => {
    // A sink stored the first six; the log still holds all ten.
    const all = await f.log.window(roomId, { limit: 50 });
    await f.messages.putBatch(all.slice(0, 6));
    const seqs: number[] = [];
    let after = 0;
    for (;;) {
      const page = await sut.page(roomId, { after, limit: 3 });
      seqs.push(...page.messages.map((m) => m.seq));
      after = page.messages.at(-1)?.seq ?? after;
      if (!page.hasMore) break;
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const older = await sut.page(roomId, { before: 5, limit: 10 });
    expect(older).toEqual({ messages: all.slice(0, 4), hasMore: false });
  });

  it('serves the store alone once the log has let go of the room window', async () => {
    const all = await f.log.window(roomId, { limit: 50 });
    await f.messages.putBatch(all);
    await f.log.deleteRoom(roomId);
    const page = await sut.page(roomId, { limit: 10 });
    expect(page).toEqual({ messages: all, hasMore: false });
  });

  describe('message', () => {
    it('answers from the log with its changes folded in, before any sink stored it', async () => {
      await f.messageService.edit('alice', { roomId, seq: 3, content: 'm3 again' });
      await f.messageService.react('alice', { roomId, seq: 3, emoji: '👍', on: true });
      expect(await f.messages.page(roomId, { limit: 50 })).toEqual([]);
      const message = await sut.message(roomId, 3);
      expect(message).toMatchObject({
        seq: 3,
        content: 'm3 again',
        reactions: [{ emoji: '👍', userIds: ['alice'] }],
      });
      expect(message?.editedAt).toBeDefined();
    });

    it('answers from the store once the log has let go of the room window', async () => {
      await f.messageService.edit('alice', { roomId, seq: 3, content: 'm3 again' });
      const all = await f.log.window(roomId, { limit: 50 });
      const changes = await f.log.changes(roomId, 0);
      await f.messages.putBatch([...all.filter((m) => m.kind === 'user'), ...changes]);
      await f.log.deleteRoom(roomId);
      expect(await sut.message(roomId, 3)).toMatchObject({ seq: 3, content: 'm3 again' });
      expect(await sut.message(roomId, 2)).toMatchObject({ seq: 2, content: 'm2' });
    });

    it('is undefined for a seq the room does not have', async () => {
      expect(await sut.message(roomId, 99)).toBeUndefined();
      expect(await sut.message(roomId, 0)).toBeUndefined();
    });
  });
});
