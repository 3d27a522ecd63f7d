import type { UserAvatar } from '@chat/contracts';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { connectedHarness } from '../testing/setup';
import { useUsersStore } from './users.store';

const avatar = (id: string, sig = 's'): UserAvatar => ({
  id,
  url: `/chat/avatars/${id}?exp=9&sig=${sig}`,
  expiresAt: '2030-01-01T00:00:00Z',
});

describe('useUsersStore', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('shows a person by their display name, else their name, else their id', () => {
    const sut = useUsersStore();
    sut.upsert([{ id: 'rae11', name: 'Rae11', online: true }]);
    expect(sut.nameOf('rae11')).toBe('Rae11');
    expect(sut.nameOf('unknown')).toBe('unknown');
    sut.upsert([{ id: 'jo', name: 'jo', displayName: 'Jo Kim', online: false }]);
    expect(sut.nameOf('jo')).toBe('Jo Kim');
  });

  it('applies a live display-name change and keeps it through presence updates', () => {
    const sut = useUsersStore();
    sut.upsert([{ id: 'rae11', name: 'Rae11', online: true }]);
    sut.applyUserUpdated({ userId: 'rae11', displayName: 'Rae Lee' });
    expect(sut.nameOf('rae11')).toBe('Rae Lee');
    expect(sut.isOnline('rae11')).toBe(true);
    sut.applyPresence({ userId: 'rae11', online: false, lastSeenAt: '2026-01-01T00:00:00Z' });
    expect(sut.nameOf('rae11')).toBe('Rae Lee');
  });

  it('shows a live picture, keeps it through presence, and drops it when the profile has none', () => {
    const sut = useUsersStore();
    sut.upsert([{ id: 'rae11', name: 'Rae11', displayName: 'Rae', online: true }]);
    expect(sut.avatarOf('rae11')).toBeUndefined();
    sut.applyUserUpdated({ userId: 'rae11', displayName: 'Rae', avatar: avatar('a1') });
    expect(sut.avatarOf('rae11')).toBe(`${window.location.origin}/chat/avatars/a1?exp=9&sig=s`);
    sut.applyPresence({ userId: 'rae11', online: false, lastSeenAt: '2026-01-01T00:00:00Z' });
    expect(sut.avatarOf('rae11')).toContain('/chat/avatars/a1');
    // The event is the whole profile: no avatar (and no display name) in it means none.
    sut.applyUserUpdated({ userId: 'rae11' });
    expect(sut.avatarOf('rae11')).toBeUndefined();
    expect(sut.nameOf('rae11')).toBe('Rae11');
    expect(sut.isOnline('rae11')).toBe(false);
  });

  it('takes a directory answer without a picture as none, however it was known before', () => {
    const sut = useUsersStore();
    sut.upsert([{ id: 'jo', name: 'jo', online: true, avatar: avatar('a1') }]);
    sut.upsert([{ id: 'jo', name: 'jo', online: true }]);
    expect(sut.avatarOf('jo')).toBeUndefined();
  });

  it('asks for a person again when their picture fails to load, once per link', async () => {
    const { server } = await connectedHarness('alice');
    const sut = useUsersStore();
    const bob = { id: 'bob', name: 'bob', online: true };
    sut.upsert([{ ...bob, avatar: avatar('a1', 'expired') }]);
    server.users.set('bob', { ...bob, avatar: avatar('a1', 'fresh') });
    await sut.avatarFailed('bob');
    expect(sut.avatarOf('bob')).toContain('sig=fresh');

    // The fresh link fails too (the picture is gone): asked once more, then no more.
    await sut.avatarFailed('bob');
    server.users.set('bob', { ...bob, avatar: avatar('a1', 'later') });
    await sut.avatarFailed('bob');
    expect(sut.avatarOf('bob')).toContain('sig=fresh');
  });
});
