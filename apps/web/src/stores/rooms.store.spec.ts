import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { connectedHarness } from '../testing/setup';
import { useMessagesStore } from './messages.store';
import { useOutboxStore } from './outbox.store';
import { useReadsStore } from './reads.store';
import { useRoomsStore } from './rooms.store';
import { useTypingStore } from './typing.store';
import { useUsersStore } from './users.store';

describe('useRoomsStore', () => {
  it('forgets history, outbox, typing and receipts of a room when it is removed', async () => {
    const h = await connectedHarness('alice', (s) => {
      s.addUser('bob');
      s.addRoom('r1', ['alice', 'bob']);
      s.postMany('r1', 2);
    });
    await useMessagesStore().select('r1');
    h.transport().drop();
    await useOutboxStore().send('r1', 'unsent');
    useTypingStore().apply({ roomId: 'r1', userId: 'bob', isTyping: true });
    useReadsStore().apply({ roomId: 'r1', userId: 'bob', seq: 2 });
    expect(useMessagesStore().timelines.r1?.messages).toHaveLength(2);
    expect(useOutboxStore().pendingIn('r1')).toHaveLength(1);
    expect(useTypingStore().typingIn('r1')).toEqual(['bob']);
    expect(useReadsStore().seenBy('r1', 2)).toEqual(['bob']);
    const sut = useRoomsStore();

    sut.remove('r1');

    expect(sut.byId.r1).toBeUndefined();
    expect(sut.openRoomId).toBeNull();
    expect(useMessagesStore().timelines.r1).toBeUndefined();
    expect(useOutboxStore().pendingIn('r1')).toEqual([]);
    expect(useTypingStore().typingIn('r1')).toEqual([]);
    expect(useReadsStore().seenBy('r1', 2)).toEqual([]);
  });

  it('shows the server’s count of unread mentions as the app connects, as after a reload', async () => {
    await connectedHarness('alice', (s) => {
      s.addUser('bob');
      Object.assign(s.addRoom('r1', ['alice', 'bob']), { unread: 3, unreadMentions: 2 });
      s.addRoom('r2', ['alice', 'bob']);
    });
    const sut = useRoomsStore();

    expect(sut.byId.r1).toMatchObject({ unread: 3, unreadMentions: 2 });
    expect(sut.byId.r2).toMatchObject({ unread: 0, unreadMentions: 0 });
  });

  it('counts live messages that mention the viewer or the room as unread mentions', async () => {
    const h = await connectedHarness('alice', (s) => {
      s.addUser('bob');
      s.addRoom('open', ['alice', 'bob']);
      s.addRoom('other', ['alice', 'bob', 'carol']);
    });
    await useMessagesStore().select('open');
    const post = (content: string) => h.server.post('other', 'bob', content);
    const sut = useRoomsStore();

    h.transport().emit('receive_message', { ...post('@alice look'), mentions: ['alice'] });
    h.transport().emit('receive_message', { ...post('@room hello'), mentionsRoom: true });
    h.transport().emit('receive_message', { ...post('@carol hi'), mentions: ['carol'] });
    h.transport().emit('receive_message', post('no one named'));

    expect(sut.byId.other).toMatchObject({ unread: 4, unreadMentions: 2 });
  });

  it('keeps the live mention count when the server re-sends the room, and drops it once read', async () => {
    const h = await connectedHarness('alice', (s) => {
      s.addUser('bob');
      s.addRoom('open', ['alice', 'bob']);
      s.addRoom('other', ['alice', 'bob']);
    });
    await useMessagesStore().select('open');
    const sut = useRoomsStore();
    h.transport().emit('receive_message', {
      ...h.server.post('other', 'bob', '@alice?'),
      mentions: ['alice'],
    });
    const room = h.server.rooms.get('other');
    if (!room) throw new Error('no room');
    h.transport().emit('room_updated', { ...room, unread: 0 });
    expect(sut.byId.other?.unreadMentions).toBe(1);

    useReadsStore().markRead('other', room.lastSeq);

    expect(sut.byId.other).toMatchObject({ unread: 0, unreadMentions: 0 });
  });

  it('opens a direct room, lists it apart from group rooms and learns the person’s presence', async () => {
    const h = await connectedHarness('alice', (s) => {
      s.addUser('bob');
      s.addRoom('team', ['alice', 'bob']);
    });
    // Known from the directory before sharing a room: shown offline, as the server hid it.
    useUsersStore().upsert([{ id: 'bob', name: 'bob', online: false }]);
    h.transport().handle('open_direct', ({ userId }) => {
      const room = h.server.addRoom('dm-alice-bob', ['alice', userId], '');
      return { room: { ...room, direct: true } };
    });
    const sut = useRoomsStore();

    const room = await sut.openDirect('bob');
    await flushPromises();

    expect(room.roomId).toBe('dm-alice-bob');
    expect(sut.directRooms.map((r) => r.roomId)).toEqual(['dm-alice-bob']);
    expect(sut.groupRooms.map((r) => r.roomId)).toEqual(['team']);
    expect(useUsersStore().isOnline('bob')).toBe(true);
  });
});
