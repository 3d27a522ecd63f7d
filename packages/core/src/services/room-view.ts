import { isDirectRoomId, toMessagePreview, type MessagePreview, type Room } from '@chat/contracts';
import {
  SENT_MARKS_KEPT,
  type EventLog,
  type RoomRecord,
  type RoomStore,
  type UnreadCount,
} from '../ports/index.js';
import type { HistoryReader } from './history.js';

/** Rows of history a preview looks through per page, and at most how many pages. */
const PREVIEW_PAGE = 20;
const PREVIEW_PAGES = 10;

/** Unread counts stop at this number; clients show "99+". */
export const UNREAD_CAP = SENT_MARKS_KEPT - 1;

/**
 * Builds the `Room` shape one member sees: last seq from the log, unread from their pointer,
 * `muted` when they muted it, the preview of the newest message from the log. Unread counts
 * come from the log's sent marks (seq and sender of the newest user messages), counted where
 * they are kept, so a room costs the same to count whatever its messages hold; previews are
 * kept with the append likewise.
 *
 * Only a room the log keeps no preview of (idle for long, or written before previews were
 * kept) has it read from history (the log's window merged with the store, changes folded).
 */
export class RoomViews {
  constructor(
    private readonly log: EventLog,
    private readonly rooms: RoomStore,
    private readonly history: HistoryReader,
  ) {}

  /** The room as seen by a member who has read nothing new (e.g. just created or invited). */
  async fresh(record: RoomRecord): Promise<Room> {
    const lastSeqs = await this.log.lastSeqs([record.roomId]);
    const previews = await this.previews(lastSeqs);
    return toRoom(record, lastSeqs.get(record.roomId) ?? 0, 0, 0, previews.get(record.roomId));
  }

  async forUser(userId: string, records: readonly RoomRecord[]): Promise<Room[]> {
    const ids = records.map((r) => r.roomId);
    const [lastSeqs, pointers, muted] = await Promise.all([
      this.log.lastSeqs(ids),
      this.rooms.readPointers(userId, ids),
      this.rooms.mutedRooms(userId, ids),
    ]);
    const previews = await this.previews(lastSeqs);
    const behind = new Map<string, number>();
    for (const id of ids) {
      const pointer = pointers.get(id) ?? 0;
      if (pointer < (lastSeqs.get(id) ?? 0)) behind.set(id, pointer);
    }
    const counts =
      behind.size > 0
        ? await this.log.unreadCounts(userId, behind, UNREAD_CAP)
        : new Map<string, UnreadCount>();
    const view = (record: RoomRecord): Room => {
      const lastSeq = lastSeqs.get(record.roomId) ?? 0;
      const pointer = behind.get(record.roomId);
      const preview = previews.get(record.roomId);
      if (pointer === undefined) return toRoom(record, lastSeq, 0, 0, preview);
      // Marks gone (a room idle for long): the seqs since the pointer are the estimate.
      const count = counts.get(record.roomId) ?? {
        messages: Math.min(lastSeq - pointer, UNREAD_CAP),
        mentions: 0,
      };
      return toRoom(record, lastSeq, count.messages, count.mentions, preview);
    };
    // Muting is the viewer's own: only their view says so.
    return records.map((record) =>
      muted.has(record.roomId) ? { ...view(record), muted: true } : view(record),
    );
  }

  /** The log's previews; history's for the rooms with messages the log keeps none of. */
  private async previews(
    lastSeqs: ReadonlyMap<string, number>,
  ): Promise<Map<string, MessagePreview>> {
    const previews = await this.log.lastMessages([...lastSeqs.keys()]);
    const missing = [...lastSeqs].filter(([id, seq]) => seq > 0 && !previews.has(id));
    const found = await Promise.all(missing.map(([id]) => this.fromHistory(id)));
    missing.forEach(([id], i) => {
      const preview = found[i];
      if (preview) previews.set(id, preview);
    });
    return previews;
  }

  /** The newest user or system message of the room, paging back past its newest changes. */
  private async fromHistory(roomId: string): Promise<MessagePreview | undefined> {
    let before: number | undefined;
    for (let pages = 0; pages < PREVIEW_PAGES; pages++) {
      const range = before === undefined ? {} : { before };
      const page = await this.history.page(roomId, { ...range, limit: PREVIEW_PAGE });
      for (const message of [...page.messages].reverse()) {
        const preview = toMessagePreview(message);
        if (preview) return preview;
      }
      before = page.messages[0]?.seq;
      if (!page.hasMore || before === undefined) return undefined;
    }
    return undefined;
  }
}

export const toRoom = (
  record: RoomRecord,
  lastSeq: number,
  unread: number,
  unreadMentions = 0,
  lastMessage?: MessagePreview,
): Room => ({
  roomId: record.roomId,
  name: record.name,
  ...(record.topic && { topic: record.topic }),
  ownerId: record.ownerId,
  participants: [...record.members],
  createdAt: record.createdAt,
  lastSeq,
  unread,
  unreadMentions,
  ...(isDirectRoomId(record.roomId) && { direct: true }),
  ...(lastMessage && { lastMessage }),
});
