import type { PresenceEvent, User, UserUpdatedEvent } from '@chat/contracts';
import { defineStore } from 'pinia';
import { reactive } from 'vue';
import { useConnectionStore } from './connection.store';

const DIRECTORY_PAGE = 100;

/** What the app knows about people: display names and presence, by user id. */
export const useUsersStore = defineStore('users', () => {
  const byId = reactive<Record<string, User>>({});

  function upsert(users: readonly User[]): void {
    for (const u of users) byId[u.id] = { ...byId[u.id], ...u };
  }

  function applyPresence(event: PresenceEvent): void {
    const known = byId[event.userId];
    byId[event.userId] = {
      id: event.userId,
      name: known?.name ?? event.userId,
      ...(known?.displayName !== undefined && { displayName: known.displayName }),
      online: event.online,
      ...(event.lastSeenAt ? { lastSeenAt: event.lastSeenAt } : {}),
    };
  }

  /** A display name changed: the person's own choice, shown wherever they appear. */
  function applyUserUpdated(event: UserUpdatedEvent): void {
    const known = byId[event.userId];
    byId[event.userId] = {
      id: event.userId,
      name: known?.name ?? event.userId,
      online: known?.online ?? false,
      ...(known?.lastSeenAt ? { lastSeenAt: known.lastSeenAt } : {}),
      displayName: event.displayName,
    };
  }

  /** How a person is shown everywhere: the display name they chose, else their name. */
  const nameOf = (id: string): string => byId[id]?.displayName ?? byId[id]?.name ?? id;
  const isOnline = (id: string): boolean => byId[id]?.online ?? false;

  /** The directory filtered by a type-ahead query, online people first (server order). */
  async function find(query: string): Promise<User[]> {
    const trimmed = query.trim();
    const { users } = await useConnectionStore().request('get_users', {
      ...(trimmed ? { query: trimmed } : {}),
      limit: 20,
    });
    upsert(users);
    return users;
  }

  /** Learns the names of the people among `ids` the app does not know yet (room members). */
  async function ensureKnown(ids: readonly string[]): Promise<void> {
    const unknown = [...new Set(ids)].filter((id) => !byId[id]);
    for (let i = 0; i < unknown.length; i += DIRECTORY_PAGE) {
      const { users } = await useConnectionStore().request('get_users', {
        ids: unknown.slice(i, i + DIRECTORY_PAGE),
      });
      upsert(users);
    }
  }

  /**
   * Re-reads people the app may know with stale presence: the server shows presence only to
   * people who share a room, so a new room makes its members' presence visible.
   */
  async function refresh(ids: readonly string[]): Promise<void> {
    const all = [...new Set(ids)];
    for (let i = 0; i < all.length; i += DIRECTORY_PAGE) {
      const { users } = await useConnectionStore().request('get_users', {
        ids: all.slice(i, i + DIRECTORY_PAGE),
      });
      upsert(users);
    }
  }

  async function refreshDirectory(): Promise<void> {
    const { users } = await useConnectionStore().request('get_users', { limit: DIRECTORY_PAGE });
    upsert(users);
  }

  function clear(): void {
    for (const id of Object.keys(byId)) delete byId[id];
  }

  return {
    byId,
    clear,
    upsert,
    applyPresence,
    applyUserUpdated,
    nameOf,
    isOnline,
    find,
    ensureKnown,
    refresh,
    refreshDirectory,
  };
});
