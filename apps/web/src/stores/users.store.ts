import type { PresenceEvent, User, UserUpdatedEvent } from '@chat/contracts';
import { defineStore } from 'pinia';
import { reactive } from 'vue';
import { linkUrl } from '../services/upload';
import { useConnectionStore } from './connection.store';

const DIRECTORY_PAGE = 100;

const unknownUser = (id: string): User => ({ id, name: id, online: false });

/** What the app knows about people: display names, avatars and presence, by user id. */
export const useUsersStore = defineStore('users', () => {
  const byId = reactive<Record<string, User>>({});
  /** Avatar links already found broken once: asked for again at most once each. */
  const reloaded = new Set<string>();

  /** The server's answer is the whole picture: an avatar it leaves out is gone or not ours. */
  function upsert(users: readonly User[]): void {
    for (const u of users) {
      const { avatar: _gone, ...known } = byId[u.id] ?? unknownUser(u.id);
      byId[u.id] = { ...known, ...u };
    }
  }

  function applyPresence(event: PresenceEvent): void {
    const { lastSeenAt: _old, ...known } = byId[event.userId] ?? unknownUser(event.userId);
    byId[event.userId] = {
      ...known,
      online: event.online,
      ...(event.lastSeenAt ? { lastSeenAt: event.lastSeenAt } : {}),
    };
  }

  /** A profile changed: the event is the profile as it now is (no avatar: initials again). */
  function applyUserUpdated(event: UserUpdatedEvent): void {
    const {
      displayName: _name,
      avatar: _avatar,
      ...known
    } = byId[event.userId] ?? unknownUser(event.userId);
    byId[event.userId] = {
      ...known,
      ...(event.displayName !== undefined && { displayName: event.displayName }),
      ...(event.avatar !== undefined && { avatar: event.avatar }),
    };
  }

  /** How a person is shown everywhere: the display name they chose, else their name. */
  const nameOf = (id: string): string => byId[id]?.displayName ?? byId[id]?.name ?? id;
  const isOnline = (id: string): boolean => byId[id]?.online ?? false;
  /** Where the person's picture loads from; undefined shows their initials. */
  const avatarOf = (id: string): string | undefined => {
    const avatar = byId[id]?.avatar;
    return avatar && linkUrl(avatar.url);
  };

  /**
   * A picture did not load: its signed link has most likely expired, so the person is read
   * again for a fresh one (once per link, so a picture that is really gone is not asked for
   * in a loop).
   */
  async function avatarFailed(id: string): Promise<void> {
    const url = byId[id]?.avatar?.url;
    if (url === undefined || reloaded.has(url)) return;
    reloaded.add(url);
    await refresh([id]);
  }

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
    avatarOf,
    avatarFailed,
    find,
    ensureKnown,
    refresh,
    refreshDirectory,
  };
});
