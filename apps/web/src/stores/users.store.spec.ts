import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useUsersStore } from './users.store';

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
});
