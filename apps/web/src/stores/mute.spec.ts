import { flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import ChatHeader from '../components/ChatHeader.vue';
import RoomListItem from '../components/RoomListItem.vue';
import {
  desktopReason,
  setDesktopNotifier,
  setNotifier,
  type ChatNotice,
  type DesktopNotice,
} from '../services/notifier';
import { mountWithApp } from '../testing/mount';
import { connectedHarness, reconnect } from '../testing/setup';
import { useMessagesStore } from './messages.store';
import { useRoomsStore } from './rooms.store';

/** Alice in a group room and a direct room with Bob, both muted on the server, and one open. */
async function mutedRooms() {
  const notices: ChatNotice[] = [];
  const desktop: DesktopNotice[] = [];
  setNotifier((n) => notices.push(n));
  setDesktopNotifier((n) => desktop.push(n));
  const h = await connectedHarness('alice', (s) => {
    s.addUser('bob');
    s.addRoom('open', ['alice', 'bob'], 'Open room');
    Object.assign(s.addRoom('team', ['alice', 'bob'], 'Team'), { muted: true });
    Object.assign(s.addRoom('dm-1', ['alice', 'bob'], ''), { direct: true, muted: true });
  });
  await useMessagesStore().select('open');
  return { h, notices, desktop };
}

describe('a muted room', () => {
  afterEach(() => {
    setNotifier(() => undefined);
    setDesktopNotifier(() => undefined);
  });

  it('is listed muted as the server says, after a reload too', async () => {
    await mutedRooms();
    const sut = useRoomsStore();
    expect([sut.byId.team?.muted, sut.byId['dm-1']?.muted, sut.byId.open?.muted]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('counts messages but raises no notice, desktop notification or tab-title count', async () => {
    const { h, notices, desktop } = await mutedRooms();
    const sut = useRoomsStore();

    h.transport().emit('receive_message', h.server.post('team', 'bob', 'chatter'));
    h.transport().emit('receive_message', h.server.post('dm-1', 'bob', 'psst'));

    expect(sut.byId.team).toMatchObject({ unread: 1, unreadMentions: 0 });
    expect(sut.byId['dm-1']).toMatchObject({ unread: 1 });
    expect(notices).toEqual([]);
    expect(desktop).toEqual([]);
    expect(sut.totalUnread).toBe(0);
  });

  it('still counts, notices and desktop-notifies a mention of the viewer', async () => {
    const { h, notices, desktop } = await mutedRooms();
    const sut = useRoomsStore();

    h.transport().emit('receive_message', {
      ...h.server.post('team', 'bob', '@alice look'),
      mentions: ['alice'],
    });

    expect(sut.byId.team).toMatchObject({ unread: 1, unreadMentions: 1 });
    expect(sut.totalUnread).toBe(1);
    expect(notices).toMatchObject([{ kind: 'message', roomId: 'team', preview: '@alice look' }]);
    expect(desktop).toMatchObject([{ reason: 'mention', roomId: 'team' }]);
  });

  it('mutes and unmutes through the server, and follows a change made on another device', async () => {
    const { h, notices } = await mutedRooms();
    const sut = useRoomsStore();

    await sut.setMuted('open', true);
    await sut.setMuted('team', false);
    expect(h.transport().requestsOf('mute_room')).toEqual([
      { roomId: 'open', muted: true },
      { roomId: 'team', muted: false },
    ]);
    expect([sut.byId.open?.muted, sut.byId.team?.muted]).toEqual([true, false]);

    h.transport().emit('room_muted', { roomId: 'team', muted: true });
    expect(sut.byId.team?.muted).toBe(true);
    // A room as others are sent it carries no one's mute: ours stays.
    const stored = h.server.rooms.get('team');
    if (!stored) throw new Error('no room');
    const { muted: _ours, ...shared } = stored;
    h.transport().emit('room_updated', { ...shared, name: 'Renamed' });
    expect(sut.byId.team).toMatchObject({ name: 'Renamed', muted: true });

    h.transport().emit('receive_message', h.server.post('team', 'bob', 'quiet'));
    expect(notices).toEqual([]);

    // What the server keeps is what a reconnect lists.
    await reconnect(h);
    expect([sut.byId.open?.muted, sut.byId.team?.muted]).toEqual([true, false]);
  });

  it('shows a muted icon and mention badge but no unread badge in the room list', async () => {
    const { h } = await mutedRooms();
    const sut = useRoomsStore();
    h.transport().emit('receive_message', h.server.post('team', 'bob', 'chatter'));
    h.transport().emit('receive_message', {
      ...h.server.post('team', 'bob', '@alice look'),
      mentions: ['alice'],
    });
    h.transport().emit('receive_message', h.server.post('open', 'bob', 'hi'));
    const team = sut.byId.team;
    if (!team) throw new Error('no room');

    const item = mountWithApp(RoomListItem, { props: { room: team, active: false } });

    expect(item.find('[data-test="muted-icon"]').exists()).toBe(true);
    expect(item.find('[data-test="unread-badge"]').exists()).toBe(false);
    expect(item.get('[data-test="mention-badge"]').text()).toBe('@1');
    expect(item.attributes('aria-label')).toContain('Muted');
    expect(item.attributes('aria-label')).not.toContain('2 unread');

    sut.applyMuted('team', false);
    await flushPromises();
    expect(item.find('[data-test="muted-icon"]').exists()).toBe(false);
    expect(item.get('[data-test="unread-badge"]').text()).toBe('2');
  });

  it('is muted and unmuted from the header’s room menu', async () => {
    const { h } = await mutedRooms();
    await useMessagesStore().select('team');
    const sut = mountWithApp(ChatHeader, { props: { showMenu: false }, attachTo: document.body });
    const item = () => document.querySelector<HTMLElement>('[data-test="mute"]');

    await sut.get('[data-test="room-actions"]').trigger('click');
    await flushPromises();
    expect(item()?.textContent).toContain('Unmute room');
    item()?.click();
    await flushPromises();

    expect(h.transport().requestsOf('mute_room')).toEqual([{ roomId: 'team', muted: false }]);
    expect(useRoomsStore().byId.team?.muted).toBe(false);
    sut.unmount();
  });
});

describe(`${desktopReason.name} of a muted room`, () => {
  it('is a mention for a mention, and nothing for anything else, direct rooms too', () => {
    const bob = { kind: 'user', userId: 'bob' } as const;
    expect(desktopReason(bob, { direct: true, muted: true }, 'alice')).toBeNull();
    expect(desktopReason(bob, { muted: true }, 'alice')).toBeNull();
    expect(desktopReason({ ...bob, mentions: ['alice'] }, { muted: true }, 'alice')).toBe(
      'mention',
    );
    expect(
      desktopReason({ ...bob, mentionsRoom: true }, { direct: true, muted: true }, 'alice'),
    ).toBe('mention');
  });
});
