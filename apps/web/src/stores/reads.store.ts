import type { ReadEvent } from '@chat/contracts';
import { defineStore } from 'pinia';
import { reactive } from 'vue';
import { useAuthStore } from './auth.store';
import { useConnectionStore } from './connection.store';
import { useRoomsStore } from './rooms.store';

/** One's own `mark_read` state in a room. */
interface ReadMark {
  /** The newest seq sent and recorded, or in flight; 0 for none. */
  sent: number;
  inFlight: boolean;
  /** The newest seq asked for while a request was in flight, sent after it; 0 for none. */
  next: number;
}

/** Read pointers per room and user (from `read` events), and marking one's own reading. */
export const useReadsStore = defineStore('reads', () => {
  const pointers = reactive<Record<string, Record<string, number>>>({});
  const marks = new Map<string, ReadMark>();

  function apply(event: ReadEvent): void {
    const room = pointers[event.roomId] ?? {};
    room[event.userId] = Math.max(room[event.userId] ?? 0, event.seq);
    pointers[event.roomId] = room;
    const rooms = useRoomsStore();
    const entry = rooms.byId[event.roomId];
    // Read in another tab or device up to the end: nothing is unread here either.
    if (event.userId === useAuthStore().userId && entry && event.seq >= entry.lastSeq) {
      rooms.clearUnread(event.roomId);
    }
  }

  /** Other members whose pointer has reached `seq`. */
  function seenBy(roomId: string, seq: number): string[] {
    const me = useAuthStore().userId;
    return Object.entries(pointers[roomId] ?? {})
      .filter(([userId, at]) => userId !== me && at >= seq)
      .map(([userId]) => userId);
  }

  /**
   * Moves one's own pointer to `seq` (once per seq) and clears the room's unread count at once.
   * Coalesced per room: while a `mark_read` is in flight only the newest seq asked for is kept,
   * and sent when that one has been answered — a busy room costs one request per round trip,
   * not one per message.
   */
  function markRead(roomId: string, seq: number): void {
    useRoomsStore().clearUnread(roomId);
    let mark = marks.get(roomId);
    if (!mark) {
      mark = { sent: 0, inFlight: false, next: 0 };
      marks.set(roomId, mark);
    }
    if (seq <= Math.max(mark.sent, mark.next)) return;
    if (mark.inFlight) mark.next = seq;
    else send(roomId, mark, seq);
  }

  function send(roomId: string, mark: ReadMark, seq: number): void {
    // Nothing else is in flight for the room, so `sent` is what the server has recorded.
    const recorded = mark.sent;
    mark.sent = seq;
    mark.inFlight = true;
    void useConnectionStore()
      .request('mark_read', { roomId, seq })
      .catch(() => {
        // Not recorded: allow the next attempt to send it again.
        mark.sent = recorded;
      })
      .finally(() => {
        mark.inFlight = false;
        const next = mark.next;
        mark.next = 0;
        // A dropped room (left, deleted) has nothing more to mark.
        if (marks.get(roomId) === mark && next > mark.sent) send(roomId, mark, next);
      });
  }

  function drop(roomId: string): void {
    delete pointers[roomId];
    marks.delete(roomId);
  }
  useRoomsStore().onRemove(drop);

  return { pointers, apply, seenBy, markRead, drop };
});
