import { ChatError } from '@chat/contracts';
import type { RoomRecord, RoomStore } from '../ports/index.js';

/**
 * The room, when `userId` is a member. A room that does not exist is `NOT_FOUND`; one the
 * caller does not belong to is `FORBIDDEN` — every room operation goes through here.
 */
export const requireMember = async (
  rooms: RoomStore,
  roomId: string,
  userId: string,
): Promise<RoomRecord> => {
  const room = await rooms.get(roomId);
  if (!room) throw new ChatError('NOT_FOUND', `room ${roomId} does not exist`);
  if (!room.members.includes(userId)) {
    throw new ChatError('FORBIDDEN', `you are not a member of room ${roomId}`);
  }
  return room;
};

/**
 * Like {@link requireMember}, for callers that need no room record: one membership lookup when
 * the caller belongs (the hot path of sending and typing), the full read only to tell
 * `NOT_FOUND` from `FORBIDDEN`.
 */
export const assertMember = async (
  rooms: RoomStore,
  roomId: string,
  userId: string,
): Promise<void> => {
  if (!(await rooms.isMember(roomId, userId))) await requireMember(rooms, roomId, userId);
};
