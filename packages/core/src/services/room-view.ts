import type { Room } from '@chat/contracts';
import {
  SENT_MARKS_KEPT,
  type EventLog,
  type RoomRecord,
  type RoomStore,
  type SentMark,
} from '../ports/index.js';

/** Unread counts stop at this number; clients show "99+". */
export const UNREAD_CAP = SENT_MARKS_KEPT - 1;

/**
 * Builds the `Room` shape one member sees: last seq from the log, unread from their pointer.
 * Unread counts come from the log's sent marks (seq and sender of the newest user messages),
 * so a room costs the same to count whatever its messages hold.
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
    const marks =
      behind.size > 0
        ? await this.log.sentMarks(behind, SENT_MARKS_KEPT)
        : new Map<string, SentMark[]>();
    return records.map((record) => {
      const lastSeq = lastSeqs.get(record.roomId) ?? 0;
      const pointer = behind.get(record.roomId);
      const unread =
        pointer === undefined ? 0 : countUnread(userId, pointer, lastSeq, marks.get(record.roomId));
      return toRoom(record, lastSeq, unread);
    });
  }
}

/**
 * User messages of others after the reader's pointer, and after their own newest message,
 * since sending reads everything before it (so sending needs no pointer write). `marks` are
 * the room's newest user messages after the pointer, newest first; when the log no longer
 * holds them, the seqs since the pointer are the estimate.
 */
function countUnread(
  readerId: string,
  pointer: number,
  lastSeq: number,
  marks: readonly SentMark[] | undefined,
): number {
  if (marks === undefined) return Math.min(lastSeq - pointer, UNREAD_CAP);
  const own = marks.findIndex((m) => m.userId === readerId);
  // Newest first: everything from the reader's own newest message on is read.
  const unread = own === -1 ? marks.length : own;
  return Math.min(unread, UNREAD_CAP);
}

export const toRoom = (record: RoomRecord, lastSeq: number, unread: number): Room => ({
  roomId: record.roomId,
  name: record.name,
  ownerId: record.ownerId,
  participants: [...record.members],
  createdAt: record.createdAt,
  lastSeq,
  unread,
});
