import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embeddedFixture, type EmbeddedFixture } from '../testing/embedded-fixture.js';
import { ReadMarks } from './read-marks.js';

describe(ReadMarks.name, () => {
  let f: EmbeddedFixture;
  let roomId: string;

  beforeEach(async () => {
    f = await embeddedFixture();
    await f.signIn('alice', 'bob');
    ({ roomId } = await f.roomService.create('alice', { participants: ['bob'] }));
  });

  afterEach(() => f.destroy());

  it('moves the sender pointer to the newest of the coalesced marks', async () => {
    const sut = new ReadMarks(f.rooms, (e) => f.backgroundErrors.push(e), 60_000);
    sut.mark(roomId, 'alice', 2);
    sut.mark(roomId, 'alice', 5);
    sut.mark(roomId, 'alice', 3);
    sut.mark(roomId, 'bob', 1);
    expect((await f.rooms.readPointers('alice', [roomId])).get(roomId)).toBe(0);
    await sut.flush();
    expect((await f.rooms.readPointers('alice', [roomId])).get(roomId)).toBe(5);
    expect((await f.rooms.readPointers('bob', [roomId])).get(roomId)).toBe(1);
    expect(f.backgroundErrors).toEqual([]);
  });

  it('does not count a sender’s own messages as unread for them', async () => {
    for (const content of ['one', 'two']) await f.messageService.send('alice', { roomId, content });
    expect((await f.roomService.get('alice', roomId)).unread).toBe(0);
    expect((await f.roomService.get('bob', roomId)).unread).toBe(2);
  });
});
