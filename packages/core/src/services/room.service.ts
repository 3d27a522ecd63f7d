import {
  ChatError,
  DIRECT_ROOM_PREFIX,
  isDirectRoomId,
  MAX_ROOM_NAME_CODE_POINTS,
  roomDeletedEnvelope,
  type CreateRoomPayload,
  type Room,
  type RoomMutedEvent,
  type UpdateRoomPayload,
} from '@chat/contracts';
import { createHash, randomUUID } from 'node:crypto';
import type { EventLog, Notifier, RoomRecord, RoomStore, UserStore } from '../ports/index.js';
import { assertMember, requireMember } from './access.js';
import { systemClock, type Clock } from './clock.js';
import type { MessageService } from './message.service.js';
import type { RoomViews } from './room-view.js';

/** Creating, inviting to, leaving and deleting rooms, and listing a user's rooms. */
export class RoomService {
  constructor(
    private readonly rooms: RoomStore,
    private readonly users: UserStore,
    private readonly log: EventLog,
    private readonly views: RoomViews,
    private readonly messages: MessageService,
    private readonly notifier: Notifier,
    private readonly clock: Clock = systemClock,
    /** Run after a room is removed, e.g. to delete its attachments. */
    private readonly onRemoved: readonly ((roomId: string) => Promise<void>)[] = [],
  ) {}

  /** The user's rooms as stored: what a connection subscribes to (cheaper than `list`). */
  memberships(userId: string): Promise<RoomRecord[]> {
    return this.rooms.roomsOf(userId);
  }

  async list(userId: string): Promise<Room[]> {
    return this.views.forUser(userId, await this.rooms.roomsOf(userId));
  }

  /** The room as `userId` sees it, when they are a member. */
  async get(userId: string, roomId: string): Promise<Room> {
    const record = await requireMember(this.rooms, roomId, userId);
    const [room] = await this.views.forUser(userId, [record]);
    if (!room) throw new ChatError('INTERNAL', `room ${roomId} has no view`);
    return room;
  }

  /**
   * Sets whether the caller muted the room, for them alone; every socket of theirs gets
   * `room_muted`, so their other devices follow at once.
   */
  async mute(userId: string, roomId: string, muted: boolean): Promise<RoomMutedEvent> {
    await assertMember(this.rooms, roomId, userId);
    if (!(await this.rooms.setMuted(roomId, userId, muted))) {
      throw new ChatError('FORBIDDEN', `you are not a member of room ${roomId}`);
    }
    const event = { roomId, muted };
    this.notifier.toUser(userId, 'room_muted', event);
    return event;
  }

  async create(ownerId: string, payload: CreateRoomPayload): Promise<Room> {
    const participants = unique(payload.participants).filter((id) => id !== ownerId);
    const names = await this.requireKnown([ownerId, ...participants]);
    const record: RoomRecord = {
      roomId: randomUUID(),
      name: payload.name || defaultName(names),
      ownerId,
      createdAt: this.clock().toISOString(),
      members: [ownerId, ...participants],
    };
    await this.rooms.create(record);
    await this.notifier.subscribe(record.members, record.roomId);
    const room = await this.views.fresh(record);
    this.notifier.toUser(ownerId, 'room_created', room);
    for (const userId of participants) {
      this.notifier.toUser(userId, 'room_invite', { roomId: room.roomId, room, by: ownerId });
    }
    return room;
  }

  /**
   * The one direct-message room of the caller and `otherId`, created the first time. Its id is
   * derived from the pair, so calls from both sides on any replica meet on one room: the first
   * create wins and every other one finds it. Someone who left it is back in on the next call.
   */
  async openDirect(callerId: string, otherId: string): Promise<Room> {
    if (otherId === callerId)
      throw new ChatError('BAD_REQUEST', 'a direct message needs someone else');
    await this.requireKnown([otherId]);
    const roomId = directRoomId(callerId, otherId);
    const record: RoomRecord = {
      roomId,
      name: '',
      ownerId: callerId,
      createdAt: this.clock().toISOString(),
      members: [callerId, otherId],
    };
    let created = true;
    try {
      await this.rooms.create(record);
    } catch (error) {
      if (!(error instanceof ChatError && error.code === 'CONFLICT')) throw error;
      created = false;
    }
    const added = created ? record.members : await this.rooms.addMembers(roomId, record.members);
    if (added.length > 0) await this.notifier.subscribe(added, roomId);
    const room = await this.get(callerId, roomId);
    if (created) this.notifier.toUser(callerId, 'room_created', room);
    if (added.includes(otherId)) {
      this.notifier.toUser(otherId, 'room_invite', { roomId, room: shared(room), by: callerId });
    }
    return room;
  }

  /** Adds members (the caller must be one); each new member gets `room_invite`. */
  async invite(callerId: string, roomId: string, userIds: readonly string[]): Promise<Room> {
    await requireMember(this.rooms, roomId, callerId);
    if (isDirectRoomId(roomId)) {
      throw new ChatError('FORBIDDEN', 'nobody can be invited into a direct-message room');
    }
    const invitees = unique(userIds);
    await this.requireKnown(invitees);
    const added = await this.rooms.addMembers(roomId, invitees);
    if (added.length > 0) {
      await this.notifier.subscribe(added, roomId);
      await this.messages.announce(roomId, {
        type: 'invited',
        actorId: callerId,
        targetIds: added,
      });
    }
    const record = await requireMember(this.rooms, roomId, callerId);
    const [room] = await this.views.forUser(callerId, [record]);
    if (!room) throw new ChatError('INTERNAL', `room ${roomId} has no view`);
    if (added.length > 0) {
      const others = shared(room);
      for (const userId of added) {
        this.notifier.toUser(userId, 'room_invite', { roomId, room: others, by: callerId });
      }
      this.notifier.toRoom(roomId, 'room_updated', others);
    }
    return room;
  }

  /**
   * Removes the caller. The earliest remaining member inherits ownership; the last member
   * leaving deletes the room.
   */
  async leave(userId: string, roomId: string): Promise<void> {
    const before = await requireMember(this.rooms, roomId, userId);
    if (before.members.length === 1) return this.remove(before);
    const after = await this.rooms.removeMember(roomId, userId);
    if (!after) throw new ChatError('FORBIDDEN', `you are not a member of room ${roomId}`);
    const [heir] = after.members;
    if (after.ownerId === userId && heir !== undefined) {
      await this.rooms.setOwner(roomId, heir);
      after.ownerId = heir;
    }
    await this.notifier.unsubscribe([userId], roomId);
    await this.messages.announce(roomId, { type: 'left', actorId: userId });
    const room = await this.views.fresh(after);
    this.notifier.toRoom(roomId, 'room_updated', room);
    this.notifier.toUser(userId, 'room_updated', room);
  }

  /**
   * Owner only: sets the name and/or topic (not of a direct room, which has no name). The room
   * gets a system line and its members `room_updated`; a change to what it already is does
   * neither.
   */
  async update(callerId: string, payload: UpdateRoomPayload): Promise<Room> {
    const { roomId } = payload;
    const before = await requireMember(this.rooms, roomId, callerId);
    if (before.ownerId !== callerId) {
      throw new ChatError('FORBIDDEN', 'only the owner can change the room');
    }
    if (isDirectRoomId(roomId)) {
      throw new ChatError('FORBIDDEN', 'a direct-message room has no name or topic');
    }
    const changes = {
      ...(payload.name !== undefined && payload.name !== before.name && { name: payload.name }),
      ...(payload.topic !== undefined &&
        payload.topic !== (before.topic ?? '') && { topic: payload.topic }),
    };
    if (Object.keys(changes).length === 0) return this.get(callerId, roomId);
    const after = await this.rooms.update(roomId, changes);
    if (!after) throw new ChatError('NOT_FOUND', `room ${roomId} does not exist`);
    if (changes.name !== undefined) {
      await this.messages.announce(roomId, {
        type: 'renamed',
        actorId: callerId,
        name: changes.name,
      });
    }
    if (changes.topic !== undefined) {
      await this.messages.announce(roomId, {
        type: 'topic',
        actorId: callerId,
        topic: changes.topic,
      });
    }
    this.notifier.toRoom(roomId, 'room_updated', await this.views.fresh(after));
    return this.get(callerId, roomId);
  }

  /**
   * Owner only: takes another member out, as `leave` does for oneself (their sockets leave the
   * room, a system line, `room_updated` to the members and to them). Removing oneself is
   * `BAD_REQUEST` (that is leaving); someone who is not a member is `NOT_FOUND`.
   */
  async removeMember(callerId: string, roomId: string, userId: string): Promise<Room> {
    const before = await requireMember(this.rooms, roomId, callerId);
    if (before.ownerId !== callerId) {
      throw new ChatError('FORBIDDEN', 'only the owner can remove members');
    }
    if (userId === callerId) throw new ChatError('BAD_REQUEST', 'leave the room instead');
    if (isDirectRoomId(roomId)) {
      throw new ChatError('FORBIDDEN', 'nobody can be removed from a direct-message room');
    }
    const after = await this.rooms.removeMember(roomId, userId);
    if (!after) throw new ChatError('NOT_FOUND', `${userId} is not a member of room ${roomId}`);
    await this.notifier.unsubscribe([userId], roomId);
    await this.messages.announce(roomId, {
      type: 'removed',
      actorId: callerId,
      targetIds: [userId],
    });
    const room = await this.views.fresh(after);
    this.notifier.toRoom(roomId, 'room_updated', room);
    this.notifier.toUser(userId, 'room_updated', room);
    return this.get(callerId, roomId);
  }

  /** Owner only: removes the room; its messages leave the store and the index via the log. */
  async delete(userId: string, roomId: string): Promise<void> {
    const record = await requireMember(this.rooms, roomId, userId);
    if (record.ownerId !== userId) {
      throw new ChatError('FORBIDDEN', 'only the owner can delete the room');
    }
    await this.remove(record);
  }

  private async remove(record: RoomRecord): Promise<void> {
    const { roomId } = record;
    await this.rooms.deleteRoom(roomId);
    await this.log.appendEvent(
      roomDeletedEnvelope(roomId, randomUUID(), this.clock().toISOString()),
    );
    await this.log.deleteRoom(roomId);
    this.notifier.toRoom(roomId, 'room_deleted', { roomId });
    await this.notifier.closeRoom(roomId);
    for (const hook of this.onRemoved) await hook(roomId);
  }

  /** The display names of `ids`, or `NOT_FOUND` naming the users who never signed in. */
  private async requireKnown(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const found = await this.users.get(ids);
    const names = new Map(found.map((u) => [u.id, u.name]));
    const missing = ids.filter((id) => !names.has(id));
    if (missing.length > 0) {
      throw new ChatError('NOT_FOUND', `unknown users: ${missing.join(', ')}`);
    }
    return ids.map((id) => names.get(id) ?? id);
  }
}

const unique = (ids: readonly string[]): string[] => [...new Set(ids)];

/** The caller's view of a room as everyone else is sent it: no one's unread counts or mute. */
const shared = ({ muted: _muted, unreadMentions: _mentions, ...room }: Room): Room => ({
  ...room,
  unread: 0,
});

/** The pair's room id: the same whoever asks, and unlike any generated room id. */
const directRoomId = (a: string, b: string): string => {
  const [first, second] = [a, b].sort();
  const digest = createHash('sha256').update(`${first}\n${second}`).digest('hex');
  return `${DIRECT_ROOM_PREFIX}${digest.slice(0, 40)}`;
};

const defaultName = (memberNames: readonly string[]): string => {
  const name = memberNames.join(', ');
  const chars = [...name];
  return chars.length <= MAX_ROOM_NAME_CODE_POINTS
    ? name
    : `${chars.slice(0, MAX_ROOM_NAME_CODE_POINTS - 1).join('')}…`;
};
