import type { Room } from '@chat/contracts';
import type { EventLog, RoomRecord, RoomStore } from '../ports/index.js';
import type { HistoryReader } from './history.js';

/** Unread counts stop at this number; clients show "99+". */
export const UNREAD_CAP = 100;

/** Builds the `Room` shape one member sees: last seq from the log, unread from their pointer. */
export class RoomViews {
  constructor(
    private readonly log: EventLog,
    private readonly rooms: RoomStore,
    private readonly history: HistoryReader,
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
    return Promise.all(
      records.map(async (record) => {
        const lastSeq = lastSeqs.get(record.roomId) ?? 0;
        const pointer = pointers.get(record.roomId) ?? 0;
        const unread =
          pointer >= lastSeq
            ? 0
            : await this.history.countUnread(record.roomId, userId, pointer, UNREAD_CAP);
        return toRoom(record, lastSeq, unread);
      }),
    );
  }
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
