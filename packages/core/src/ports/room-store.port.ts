/** A room's stored state. Members are listed in the order they joined. */
export interface RoomRecord {
  roomId: string;
  name: string;
  /** Set by the owner; absent (never empty) when the room has none. */
  topic?: string;
  ownerId: string;
  createdAt: string;
  members: string[];
}

/** What `update` changes: each given field is set, an empty one cleared. */
export interface RoomChanges {
  name?: string;
  topic?: string;
}

/**
 * The room store: rooms, memberships and read pointers; the store of record for who may see
 * what. Every room operation checks membership here.
 *
 * Guarantees:
 * - `members` keeps join order (the earliest joiner inherits ownership when the owner leaves).
 * - `addMembers` is idempotent and returns only the users that were not members before.
 * - `markRead` only moves a pointer forward and returns whether it moved.
 * - `update` sets only the fields it is given and leaves membership alone.
 * - Muting is per member and kept with the membership: leaving (or being removed) clears it,
 *   so someone who re-joins starts unmuted.
 * - After `deleteRoom` the room, its memberships and pointers are gone.
 */
export abstract class RoomStore {
  abstract create(room: RoomRecord): Promise<void>;
  abstract get(roomId: string): Promise<RoomRecord | undefined>;
  abstract roomsOf(userId: string): Promise<RoomRecord[]>;
  abstract isMember(roomId: string, userId: string): Promise<boolean>;
  abstract addMembers(roomId: string, userIds: readonly string[]): Promise<string[]>;
  /** Removes a member; returns the room as it is afterwards, or undefined if it was not a member. */
  abstract removeMember(roomId: string, userId: string): Promise<RoomRecord | undefined>;
  /** Sets the name and/or topic; returns the room afterwards, or undefined if it does not exist. */
  abstract update(roomId: string, changes: RoomChanges): Promise<RoomRecord | undefined>;
  abstract setOwner(roomId: string, ownerId: string): Promise<void>;
  abstract deleteRoom(roomId: string): Promise<void>;
  abstract markRead(roomId: string, userId: string, seq: number): Promise<boolean>;
  /** The user's read pointer per room (0 when never read). */
  abstract readPointers(userId: string, roomIds: readonly string[]): Promise<Map<string, number>>;
  /** Sets whether a member muted the room; false (and nothing set) when they are not a member. */
  abstract setMuted(roomId: string, userId: string, muted: boolean): Promise<boolean>;
  /** Which of `roomIds` the user muted. */
  abstract mutedRooms(userId: string, roomIds: readonly string[]): Promise<Set<string>>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
