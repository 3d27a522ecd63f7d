import type { Notifier, RoomStore } from '../ports/index.js';
import type { Identity, UserService } from './user.service.js';

/** Profile changes, told live to everyone who shares a room with the person. */
export class ProfileService {
  constructor(
    private readonly users: UserService,
    private readonly rooms: RoomStore,
    private readonly notifier: Notifier,
  ) {}

  /** Sets the display name (already parsed by `DisplayNameSchema`) and sends `user_updated`. */
  async setDisplayName(userId: string, displayName: string): Promise<Identity> {
    const user = await this.users.setDisplayName(userId, displayName);
    const rooms = await this.rooms.roomsOf(userId);
    const audience = new Set([userId, ...rooms.flatMap((room) => room.members)]);
    for (const peer of audience) {
      this.notifier.toUser(peer, 'user_updated', { userId, displayName });
    }
    return user;
  }
}
