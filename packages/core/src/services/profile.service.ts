import { ChatError, type User, type UserAvatar, type UserUpdatedEvent } from '@chat/contracts';
import type { AvatarService } from '../attachments/avatar.service.js';
import type { Notifier, RoomStore, UserRecord, UserStore } from '../ports/index.js';

/**
 * The link a client loads an avatar through (signed by the gateway: an `<img>` sends no bearer
 * header). Handed only to the person and those who share a room with them.
 */
export type AvatarLinker = (avatarId: string) => UserAvatar;

/** A person as they present themselves: the directory's `User` without presence. */
export type Profile = Omit<User, 'online' | 'lastSeenAt'>;

/** The profile of a stored user; `link` signs their avatar's link, if they have one. */
export const toProfile = (record: UserRecord, link: AvatarLinker | undefined): Profile => ({
  id: record.id,
  name: record.name,
  ...(record.displayName !== undefined && { displayName: record.displayName }),
  ...(record.avatarId !== undefined && link && { avatar: link(record.avatarId) }),
});

/** Profile changes, told live to everyone who shares a room with the person. */
export class ProfileService {
  constructor(
    private readonly users: UserStore,
    private readonly rooms: RoomStore,
    private readonly notifier: Notifier,
    private readonly avatars: AvatarService,
    private readonly link: AvatarLinker,
  ) {}

  /** The user's own profile, with their avatar's link; undefined for an unknown user. */
  async find(userId: string): Promise<Profile | undefined> {
    const [record] = await this.users.get([userId]);
    return record && toProfile(record, this.link);
  }

  /** Sets the display name (already parsed by `DisplayNameSchema`) and sends `user_updated`. */
  async setDisplayName(userId: string, displayName: string): Promise<Profile> {
    const record = await this.users.setDisplayName(userId, displayName);
    if (!record) throw new ChatError('NOT_FOUND', 'no such user');
    return this.tell(record);
  }

  /** Makes the image in `body` the user's avatar (see `AvatarService`); sends `user_updated`. */
  async setAvatar(
    userId: string,
    body: AsyncIterable<Uint8Array>,
    declaredBytes?: number,
  ): Promise<Profile> {
    return this.tell(await this.avatars.replace(userId, body, declaredBytes));
  }

  /** Removes the user's avatar; sends `user_updated`. */
  async removeAvatar(userId: string): Promise<Profile> {
    return this.tell(await this.avatars.remove(userId));
  }

  /** Sends the profile as it now is to the user and everyone who shares a room with them. */
  private async tell(record: UserRecord): Promise<Profile> {
    const profile = toProfile(record, this.link);
    const rooms = await this.rooms.roomsOf(record.id);
    const audience = new Set([record.id, ...rooms.flatMap((room) => room.members)]);
    const event: UserUpdatedEvent = {
      userId: record.id,
      ...(profile.displayName !== undefined && { displayName: profile.displayName }),
      ...(profile.avatar !== undefined && { avatar: profile.avatar }),
    };
    for (const peer of audience) this.notifier.toUser(peer, 'user_updated', event);
    return profile;
  }
}
