import { afterEach, describe, expect, it } from 'vitest';
import { useRoomsStore } from '../stores/rooms.store';
import { connectedHarness } from '../testing/setup';
import { desktopReason, setDesktopNotifier, type DesktopNotice } from './notifier';

describe(desktopReason.name, () => {
  const group = { direct: undefined };
  const direct = { direct: true };

  it('is a mention when the message names the viewer or the room', () => {
    expect(
      desktopReason({ kind: 'user', userId: 'bob', mentions: ['alice'] }, group, 'alice'),
    ).toBe('mention');
    expect(desktopReason({ kind: 'user', userId: 'bob', mentionsRoom: true }, group, 'alice')).toBe(
      'mention',
    );
  });

  it('is direct for any message from the other person of a direct room', () => {
    expect(desktopReason({ kind: 'user', userId: 'bob' }, direct, 'alice')).toBe('direct');
  });

  it('is nothing for a plain group message, one’s own message, or a change', () => {
    expect(desktopReason({ kind: 'user', userId: 'bob' }, group, 'alice')).toBeNull();
    expect(desktopReason({ kind: 'user', userId: 'alice' }, direct, 'alice')).toBeNull();
    expect(
      desktopReason({ kind: 'edit', userId: 'bob', mentions: ['alice'] }, group, 'alice'),
    ).toBe(null);
  });
});

describe('desktop notices from live messages', () => {
  afterEach(() => setDesktopNotifier(() => undefined));

  it('raises one for a mention and a direct message, not for other messages', async () => {
    const notices: DesktopNotice[] = [];
    setDesktopNotifier((n) => notices.push(n));
    const h = await connectedHarness('alice', (s) => {
      s.addUser('bob');
      s.addRoom('team', ['alice', 'bob'], 'Team');
      Object.assign(s.addRoom('dm-1', ['alice', 'bob'], ''), { direct: true });
    });
    expect(useRoomsStore().directRooms.map((r) => r.roomId)).toEqual(['dm-1']);
    const emit = h.transport().emit.bind(h.transport());

    emit('receive_message', h.server.post('team', 'bob', 'just chatting'));
    emit('receive_message', {
      ...h.server.post('team', 'bob', '@alice look'),
      mentions: ['alice'],
    });
    emit('receive_message', h.server.post('dm-1', 'bob', 'psst'));

    expect(notices).toEqual([
      {
        reason: 'mention',
        roomId: 'team',
        roomName: 'Team',
        userName: 'bob',
        preview: '@alice look',
      },
      { reason: 'direct', roomId: 'dm-1', roomName: 'bob', userName: 'bob', preview: 'psst' },
    ]);
  });
});
