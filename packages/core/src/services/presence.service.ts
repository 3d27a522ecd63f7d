import type { User } from '@chat/contracts';
import type { Notifier, PresenceStore, RoomRecord, RoomStore, UserStore } from '../ports/index.js';
import { systemClock, type Clock } from './clock.js';
import { toProfile, type AvatarLinker } from './profile.service.js';

/** Online state: announced to, and listed in the directory for, those who share a room. */
export class PresenceService {
  constructor(
    private readonly presence: PresenceStore,
    private readonly rooms: RoomStore,
    private readonly users: UserStore,
    private readonly notifier: Notifier,
    private readonly avatarLink: AvatarLinker,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Registers a connection; `rooms` are the user's rooms, already read by the caller. */
  async connected(
    userId: string,
    connectionId: string,
    rooms: readonly RoomRecord[],
  ): Promise<void> {
    if (await this.presence.connect(userId, connectionId)) {
      this.announce(userId, rooms, true, null);
    }
  }

  async disconnected(userId: string, connectionId: string): Promise<void> {
    const at = this.clock().toISOString();
    if (await this.presence.disconnect(userId, connectionId, at)) {
      this.announce(userId, await this.rooms.roomsOf(userId), false, at);
    }
  }

  /**
   * Users whose id or name starts with `query` (or the users `ids`); online first, then by id. Presence is only the
   * business of people who share a room: online state and `lastSeenAt` are shown for the caller
   * and their roommates, everyone else is listed offline without `lastSeenAt` (and sorted so).
   * Avatars too are shown to the caller and their roommates only.
   * One read of the caller's rooms and one batch read of the visible users' states.
   */
  async directory(
    callerId: string,
    query: string,
    limit: number,
    ids?: readonly string[],
  ): Promise<User[]> {
    const [records, rooms] = await Promise.all([
      ids ? this.users.get(ids) : this.users.list(query, limit),
      this.rooms.roomsOf(callerId),
    ]);
    const peers = new Set([callerId, ...rooms.flatMap((room) => room.members)]);
    const states = await this.presence.states(
      records.filter((r) => peers.has(r.id)).map((r) => r.id),
    );
    const users = records.map((r): User => {
      const state = states.get(r.id);
      return {
        ...toProfile(r, peers.has(r.id) ? this.avatarLink : undefined),
        online: state?.online ?? false,
        ...(state?.lastSeenAt === undefined ? {} : { lastSeenAt: state.lastSeenAt }),
      };
    });
    return users.sort((a, b) => Number(b.online) - Number(a.online) || a.id.localeCompare(b.id));
  }

  private announce(
    userId: string,
    rooms: readonly RoomRecord[],
    online: boolean,
    lastSeenAt: string | null,
  ) {
    const peers = new Set(rooms.flatMap((room) => room.members));
    peers.delete(userId);
    for (const peer of peers)
      this.notifier.toUser(peer, 'presence', { userId, online, lastSeenAt });
  }
}
