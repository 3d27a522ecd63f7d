import { flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import ChatHeader from '../components/ChatHeader.vue';
import { setNotifier, type ChatNotice } from '../services/notifier';
import { mountWithApp } from '../testing/mount';
import { connectedHarness } from '../testing/setup';
import { useMessagesStore } from './messages.store';
import { useRoomsStore } from './rooms.store';

describe('room name and topic', () => {
  it('sends the trimmed name and topic and lists the room as the server answers', async () => {
    const h = await connectedHarness('alice', (s) => {
      s.addUser('bob');
      Object.assign(s.addRoom('r1', ['alice', 'bob'], 'before'), { unread: 2 });
    });
    h.transport().handle('update_room', ({ roomId, name, topic }) => {
      const room = h.server.rooms.get(roomId);
      if (!room) throw new Error('no room');
      return { room: { ...room, name: name ?? room.name, topic, unread: 0 } };
    });
    const sut = useRoomsStore();

    await sut.update('r1', { name: '  Launch  ', topic: ' Friday ' });

    expect(h.transport().requestsOf('update_room')).toEqual([
      { roomId: 'r1', name: 'Launch', topic: 'Friday' },
    ]);
    expect(sut.byId.r1).toMatchObject({ name: 'Launch', topic: 'Friday', unread: 2 });
  });

  it('shows what the owner set, live, in the header of another member', async () => {
    const h = await connectedHarness('bob', (s) => {
      s.addUser('alice');
      s.addRoom('r1', ['alice', 'bob'], 'before');
    });
    await useMessagesStore().select('r1');
    const sut = mountWithApp(ChatHeader, { props: { showMenu: false } });
    expect(sut.find('[data-test="room-topic"]').exists()).toBe(false);
    const room = h.server.rooms.get('r1');
    if (!room) throw new Error('no room');

    h.transport().emit('room_updated', { ...room, name: 'Launch', topic: 'Ship on Friday' });
    await flushPromises();

    expect(sut.get('[data-test="room-title"]').text()).toBe('Launch');
    expect(sut.get('[data-test="room-topic"]').text()).toBe('Ship on Friday');
  });
});

describe('removing a member', () => {
  afterEach(() => setNotifier(() => undefined));

  it('asks the server and lists the room without them', async () => {
    const h = await connectedHarness('alice', (s) => {
      s.addUser('bob');
      s.addRoom('r1', ['alice', 'bob'], 'team');
    });
    h.transport().handle('remove_member', ({ roomId, userId }) => {
      const room = h.server.rooms.get(roomId);
      if (!room) throw new Error('no room');
      return { room: { ...room, participants: room.participants.filter((id) => id !== userId) } };
    });
    const sut = useRoomsStore();

    await sut.removeMember('r1', 'bob');

    expect(h.transport().requestsOf('remove_member')).toEqual([{ roomId: 'r1', userId: 'bob' }]);
    expect(sut.byId.r1?.participants).toEqual(['alice']);
  });

  it('drops the room for the one removed, and tells them', async () => {
    const notices: ChatNotice[] = [];
    setNotifier((n) => notices.push(n));
    const h = await connectedHarness('bob', (s) => {
      s.addUser('alice');
      s.addRoom('r1', ['alice', 'bob'], 'team');
    });
    const sut = useRoomsStore();
    const room = h.server.rooms.get('r1');
    if (!room) throw new Error('no room');

    h.transport().emit('room_updated', { ...room, participants: ['alice'] });
    await flushPromises();

    expect(sut.byId.r1).toBeUndefined();
    expect(notices).toMatchObject([{ kind: 'removed', roomName: 'team' }]);
  });
});
