import type { Message, SystemEvent } from '@chat/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { embeddedFixture, type EmbeddedFixture } from '../testing/embedded-fixture.js';
import { RoomService } from './room.service.js';

describe(RoomService.name, () => {
  let f: EmbeddedFixture;
  let sut: RoomService;

  beforeEach(async () => {
    f = await embeddedFixture();
    sut = f.roomService;
    await f.signIn('alice', 'bob', 'carol');
  });

  afterEach(() => f.destroy());

  it('names a room after its members when no name is given', async () => {
    const room = await sut.create('alice', { participants: ['bob', 'bob', 'alice'] });
    expect(room.participants).toEqual(['alice', 'bob']);
    expect(room.name).toBe('alice, bob');
  });

  it('refuses unknown participants with NOT_FOUND and creates nothing', async () => {
    await expect(sut.create('alice', { participants: ['bob', 'zed'] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await f.rooms.roomsOf('alice')).toEqual([]);
  });

  it('passes ownership to the earliest joiner when the owner leaves', async () => {
    const room = await sut.create('alice', { participants: ['bob'] });
    await sut.invite('bob', room.roomId, ['carol']);
    await sut.leave('alice', room.roomId);
    const after = await sut.get('bob', room.roomId);
    expect(after).toMatchObject({ ownerId: 'bob', participants: ['bob', 'carol'] });
    await expect(sut.get('alice', room.roomId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const system = f.notifier.of('system').map((d) => d.payload);
    expect(system).toContainEqual(expect.objectContaining({ content: 'alice left' }));
  });

  it('deletes the room when its last member leaves', async () => {
    const room = await sut.create('alice', { participants: [] });
    await f.messageService.send('alice', { roomId: room.roomId, content: 'alone' });
    await sut.leave('alice', room.roomId);
    expect(await f.rooms.get(room.roomId)).toBeUndefined();
    expect(f.notifier.of('room_deleted')).toHaveLength(1);
    expect(await f.log.window(room.roomId, { limit: 10 })).toEqual([]);
  });

  it('counts the unread messages that mention a member, apart from the unread count', async () => {
    const room = await sut.create('alice', { participants: ['bob', 'carol'] });
    const send = (content: string) =>
      f.messageService.send('alice', { roomId: room.roomId, content });
    await send('hello @Bob and @zed');
    await send('no one in particular');
    await send('@room lunch?');
    expect(await sut.get('bob', room.roomId)).toMatchObject({ unread: 3, unreadMentions: 2 });
    expect(await sut.get('carol', room.roomId)).toMatchObject({ unread: 3, unreadMentions: 1 });
    expect(await sut.get('alice', room.roomId)).toMatchObject({ unread: 0, unreadMentions: 0 });
    await f.messageService.markRead('bob', { roomId: room.roomId, seq: 1 });
    expect(await sut.get('bob', room.roomId)).toMatchObject({ unread: 2, unreadMentions: 1 });
    // Only members are mentioned: @zed is not one.
    const { messages } = await f.messageService.page('bob', { roomId: room.roomId });
    expect(messages[0]).toMatchObject({ mentions: ['bob'] });
    expect(messages[2]).toMatchObject({ mentionsRoom: true });
  });

  it('opens one direct room per pair, from either side, and lets nobody else in', async () => {
    const [first, again, other] = [
      await sut.openDirect('alice', 'bob'),
      await sut.openDirect('bob', 'alice'),
      await sut.openDirect('alice', 'carol'),
    ];
    expect(again.roomId).toBe(first.roomId);
    expect(other.roomId).not.toBe(first.roomId);
    expect(first).toMatchObject({ direct: true, participants: ['alice', 'bob'], name: '' });
    await expect(sut.invite('alice', first.roomId, ['carol'])).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(sut.openDirect('alice', 'alice')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(sut.openDirect('alice', 'zed')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await sut.leave('bob', first.roomId);
    expect((await sut.openDirect('alice', 'bob')).participants).toEqual(['alice', 'bob']);
  });

  it('counts unread user messages from the read pointer, ignoring system messages', async () => {
    const room = await sut.create('alice', { participants: ['bob'] });
    await f.messageService.send('alice', { roomId: room.roomId, content: 'one' });
    await f.messageService.send('alice', { roomId: room.roomId, content: 'two' });
    await sut.invite('alice', room.roomId, ['carol']);
    expect((await sut.get('bob', room.roomId)).unread).toBe(2);
    expect((await sut.get('carol', room.roomId)).unread).toBe(2);
    await f.messageService.markRead('bob', { roomId: room.roomId, seq: 1 });
    expect((await sut.get('bob', room.roomId)).unread).toBe(1);
    await f.messageService.markRead('bob', { roomId: room.roomId, seq: 99 });
    expect((await sut.get('bob', room.roomId)).unread).toBe(0);
  });

  it('counts unread without reading a single message, so big messages cost nothing more', async () => {
    const room = await sut.create('alice', { participants: ['bob'] });
    for (let i = 0; i < 120; i++) {
      await f.messageService.send('alice', {
        roomId: room.roomId,
        content: `${i} ${'x'.repeat(3900)}`,
      });
    }
    const window = vi.spyOn(f.log, 'window');
    const page = vi.spyOn(f.messages, 'page');
    const [listed] = await sut.list('bob');
    expect(listed?.unread).toBe(100);
    await f.messageService.markRead('bob', { roomId: room.roomId, seq: 115 });
    expect((await sut.list('bob'))[0]?.unread).toBe(5);
    expect(window).not.toHaveBeenCalled();
    expect(page).not.toHaveBeenCalled();
  });

  it('treats sending as reading everything before the sent message', async () => {
    const room = await sut.create('alice', { participants: ['bob'] });
    await f.messageService.send('bob', { roomId: room.roomId, content: 'from bob' });
    expect((await sut.get('alice', room.roomId)).unread).toBe(1);
    await f.messageService.send('alice', { roomId: room.roomId, content: 'reply' });
    expect((await sut.get('alice', room.roomId)).unread).toBe(0);
    expect((await sut.get('bob', room.roomId)).unread).toBe(1);
    await f.messageService.send('bob', { roomId: room.roomId, content: 'again' });
    expect((await sut.get('alice', room.roomId)).unread).toBe(1);
  });

  it('moves read pointers forward only and emits read only when one moves', async () => {
    const room = await sut.create('alice', { participants: ['bob'] });
    for (const content of ['a', 'b', 'c'])
      await f.messageService.send('alice', { roomId: room.roomId, content });
    await f.messageService.markRead('bob', { roomId: room.roomId, seq: 2 });
    await f.messageService.markRead('bob', { roomId: room.roomId, seq: 1 });
    await f.messageService.markRead('bob', { roomId: room.roomId, seq: 2 });
    await f.messageService.markRead('bob', { roomId: room.roomId, seq: 50 });
    expect(f.notifier.of('read').map((d) => d.payload)).toEqual([
      { roomId: room.roomId, userId: 'bob', seq: 2 },
      { roomId: room.roomId, userId: 'bob', seq: 3 },
    ]);
  });

  it('announces invites, leaves, removals, names and topics as events with English lines', async () => {
    await f.signIn('dave');
    const room = await sut.create('alice', { name: 'Team', participants: ['bob'] });
    const { roomId } = room;
    await sut.invite('alice', roomId, ['carol', 'dave', 'bob']);
    await sut.update('alice', { roomId, name: 'Launch', topic: '금요일 출시' });
    await sut.update('alice', { roomId, name: '', topic: '' });
    await sut.removeMember('alice', roomId, 'dave');
    await sut.leave('bob', roomId);

    const expected = [
      {
        event: { type: 'invited', actorId: 'alice', targetIds: ['carol', 'dave'] },
        content: 'alice invited carol, dave',
      },
      {
        event: { type: 'renamed', actorId: 'alice', name: 'Launch' },
        content: 'alice renamed the room to “Launch”',
      },
      {
        event: { type: 'topic', actorId: 'alice', topic: '금요일 출시' },
        content: 'alice set the topic to “금요일 출시”',
      },
      {
        event: { type: 'renamed', actorId: 'alice', name: '' },
        content: 'alice removed the room name',
      },
      { event: { type: 'topic', actorId: 'alice', topic: '' }, content: 'alice cleared the topic' },
      {
        event: { type: 'removed', actorId: 'alice', targetIds: ['dave'] },
        content: 'alice removed dave',
      },
      { event: { type: 'left', actorId: 'bob' }, content: 'bob left' },
    ];
    const asSent = (m: Message) => ({ event: m.event, content: m.content });
    // Live, as the members receive it, with the actor as the sender.
    const live = f.notifier.of('system').map((d) => (d.payload as SystemEvent).message);
    expect(live.map(asSent)).toEqual(expected);
    expect(live.map((m) => m.userId)).toEqual([...Array<string>(6).fill('alice'), 'bob']);
    // In history, and as the room list's preview of the newest one.
    const { messages } = await f.messageService.page('alice', { roomId });
    expect(messages.filter((m) => m.kind === 'system').map(asSent)).toEqual(expected);
    expect((await sut.get('alice', roomId)).lastMessage).toMatchObject({
      kind: 'system',
      event: { type: 'left', actorId: 'bob' },
    });
  });

  it('mutes a room for the caller alone, tells their sockets, and forgets it when they leave', async () => {
    const room = await sut.create('alice', { participants: ['bob'] });

    expect(await sut.mute('bob', room.roomId, true)).toEqual({ roomId: room.roomId, muted: true });

    expect(f.notifier.of('room_muted')).toEqual([
      { to: 'user:bob', event: 'room_muted', payload: { roomId: room.roomId, muted: true } },
    ]);
    expect(await sut.get('bob', room.roomId)).toMatchObject({ muted: true });
    expect((await sut.list('bob'))[0]).toMatchObject({ muted: true });
    expect((await sut.get('alice', room.roomId)).muted).toBeUndefined();
    // What bob's invite sends everyone else is not his view.
    await sut.invite('bob', room.roomId, ['carol']);
    const sent = [...f.notifier.of('room_invite'), ...f.notifier.of('room_updated')];
    expect(sent.filter((d) => JSON.stringify(d.payload).includes('"muted"'))).toEqual([]);

    await sut.leave('bob', room.roomId);
    await sut.invite('alice', room.roomId, ['bob']);
    expect((await sut.get('bob', room.roomId)).muted).toBeUndefined();
  });

  it("sends others a room without the caller's unread mentions", async () => {
    const room = await sut.create('alice', { participants: ['bob'] });
    await f.messageService.send('alice', { roomId: room.roomId, content: 'hi @bob' });
    expect((await sut.get('bob', room.roomId)).unreadMentions).toBe(1);

    await sut.invite('bob', room.roomId, ['carol']);
    const toCarol = f.notifier.of('room_invite').filter((d) => d.to === 'user:carol');
    expect(toCarol).toHaveLength(1);
    expect(JSON.stringify(toCarol[0]?.payload)).not.toContain('unreadMentions');
  });

  it('refuses to mute a room for someone who is not in it', async () => {
    const room = await sut.create('alice', { participants: [] });
    await expect(sut.mute('carol', room.roomId, true)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(sut.mute('carol', 'no-such-room', true)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(f.notifier.of('room_muted')).toEqual([]);
  });
});
