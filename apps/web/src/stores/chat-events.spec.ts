import { flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { setNotifier, type ChatNotice } from '../services/notifier';
import { connectedHarness } from '../testing/setup';
import { useMessagesStore } from './messages.store';
import { useRoomsStore } from './rooms.store';

async function twoRooms() {
  const notices: ChatNotice[] = [];
  setNotifier((n) => notices.push(n));
  const h = await connectedHarness('alice', (s) => {
    s.addUser('bob');
    s.addRoom('open', ['alice', 'bob'], 'Open room');
    s.addRoom('other', ['alice', 'bob'], 'Other room');
  });
  await useMessagesStore().select('open');
  return { h, notices };
}

const unread = (roomId: string) => useRoomsStore().byId[roomId]?.unread;

describe('bindServerEvents', () => {
  afterEach(() => setNotifier(() => undefined));

  it('counts a message in another room as unread and notifies', async () => {
    const { h, notices } = await twoRooms();

    h.transport().emit('receive_message', h.server.post('other', 'bob', 'hi there'));
    h.transport().emit('receive_message', h.server.post('other', 'bob', 'again'));

    expect(unread('other')).toBe(2);
    expect(useRoomsStore().sorted[0]?.roomId).toBe('other');
    expect(useRoomsStore().byId.other?.lastMessage?.content).toBe('again');
    expect(notices).toMatchObject([
      {
        kind: 'message',
        roomId: 'other',
        roomName: 'Other room',
        userName: 'bob',
        preview: 'hi there',
      },
      { kind: 'message', preview: 'again' },
    ]);
  });

  it('does not count own messages or system messages', async () => {
    const { h } = await twoRooms();

    h.transport().emit('receive_message', h.server.post('other', 'alice', 'from my phone'));
    const system = h.server.post('other', 'bob', 'bob invited carol', 'system');
    h.transport().emit('system', { roomId: 'other', content: system.content, message: system });

    expect(unread('other')).toBe(0);
    expect(useRoomsStore().byId.other?.lastSeq).toBe(2);
  });

  it('marks the open room read instead of counting when its newest message is in view', async () => {
    const { h, notices } = await twoRooms();
    useMessagesStore().atLatest = true;

    h.transport().emit('receive_message', h.server.post('open', 'bob', 'seen at once'));
    await flushPromises();

    expect(unread('open')).toBe(0);
    expect(h.transport().requestsOf('mark_read')).toEqual([{ roomId: 'open', seq: 1 }]);
    expect(notices).toEqual([]);
  });

  it('counts messages in the open room while scrolled up, without a notification', async () => {
    const { h, notices } = await twoRooms();
    useMessagesStore().atLatest = false;

    h.transport().emit('receive_message', h.server.post('open', 'bob', 'below the fold'));

    expect(unread('open')).toBe(1);
    expect(h.transport().requestsOf('mark_read')).toEqual([]);
    expect(notices).toEqual([]);
  });

  it('clears the count when this user read the room elsewhere', async () => {
    const { h } = await twoRooms();
    h.transport().emit('receive_message', h.server.post('other', 'bob', 'one'));
    h.transport().emit('receive_message', h.server.post('other', 'bob', 'two'));

    h.transport().emit('read', { roomId: 'other', userId: 'alice', seq: 2 });

    expect(unread('other')).toBe(0);
  });

  it('drops a room whose participants no longer include this user', async () => {
    const { h, notices } = await twoRooms();
    const room = h.server.rooms.get('other')!;

    h.transport().emit('room_updated', { ...room, participants: ['bob'] });

    expect(useRoomsStore().byId.other).toBeUndefined();
    expect(notices).toMatchObject([{ kind: 'removed', roomName: 'Other room' }]);
  });

  it('removes a deleted room, closing it when open', async () => {
    const { h } = await twoRooms();

    h.transport().emit('room_deleted', { roomId: 'open' });

    expect(useRoomsStore().openRoomId).toBeNull();
    expect(useMessagesStore().timelines.open).toBeUndefined();
  });

  it('adds a room one is invited to', async () => {
    const { h, notices } = await twoRooms();
    const room = h.server.addRoom('new', ['bob', 'alice'], 'New room');

    h.transport().emit('room_invite', { roomId: 'new', room, by: 'bob' });

    expect(useRoomsStore().byId.new?.name).toBe('New room');
    expect(notices).toMatchObject([{ kind: 'invited', roomName: 'New room', by: 'bob' }]);
  });
});
