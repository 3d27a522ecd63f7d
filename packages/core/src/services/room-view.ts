import { isDirectRoomId, type Room } from '@chat/contracts';
import {
  SENT_MARKS_KEPT,
  type EventLog,
  type RoomRecord,
  type RoomStore,
  type UnreadCount,
} from '../ports/index.js';

/** Unread counts stop at this number; clients show "99+". */
export const UNREAD_CAP = SENT_MARKS_KEPT - 1;

/**
 * Builds the `Room` shape one member sees: last seq from the log, unread from their pointer.
 * Unread counts come from the log's sent marks (seq and sender of the newest user messages),
 * counted where they are kept, so a room costs the same to count whatever its messages hold.
 */
export class RoomViews {
  constructor(
    private readonly log: EventLog,
    private readonly rooms: RoomStore,
  ) {}

  /** The room as seen by a member who has read nothing new (e.g. just created or invited). */
  async fresh(record: RoomRecord): Promise<Room> {
    const lastSeqs = await this.log.lastSeqs([record.roomId]);
    return toRoom(record, lastSeqs.get(record.roomId) ?? 0, 0);
  }

  async forUser(userId: string, records: readonly RoomRecord[]): Promise<Room[]> {
    const ids = records.map((r) => r.roomId);
    const [lastSeqs, pointers] = await Promise.all([
      this.log.lastSeqs(ids),
      this.rooms.readPointers(userId, ids),
    ]);
    const behind = new Map<string, number>();
    for (const id of ids) {
      const pointer = pointers.get(id) ?? 0;
      if (pointer < (lastSeqs.get(id) ?? 0)) behind.set(id, pointer);
    }
    const counts =
      behind.size > 0
        ? await this.log.unreadCounts(userId, behind, UNREAD_CAP)
        : new Map<string, UnreadCount>();
    return records.map((record) => {
      const lastSeq = lastSeqs.get(record.roomId) ?? 0;
      const pointer = behind.get(record.roomId);
      if (pointer === undefined) return toRoom(record, lastSeq, 0);
      // Marks gone (a room idle for long): the seqs since the pointer are the estimate.
      const count = counts.get(record.roomId) ?? {
        messages: Math.min(lastSeq - pointer, UNREAD_CAP),
        mentions: 0,
      };
      return toRoom(record, lastSeq, count.messages, count.mentions);
    });
  }
}

export const toRoom = (
  record: RoomRecord,
  lastSeq: number,
  unread: number,
  unreadMentions = 0,
): Room => ({
  roomId: record.roomId,
  name: record.name,
  ownerId: record.ownerId,
  participants: [...record.members],
  createdAt: record.createdAt,
  lastSeq,
  unread,
  unreadMentions,
  ...(isDirectRoomId(record.roomId) && { direct: true }),
});
