import type { ReadEvent } from '@chat/contracts';
import { defineStore } from 'pinia';
import { reactive } from 'vue';
import { useAuthStore } from './auth.store';
import { useConnectionStore } from './connection.store';
import { useRoomsStore } from './rooms.store';

/** Read pointers per room and user (from `read` events), and marking one's own reading. */
export const useReadsStore = defineStore('reads', () => {
  const pointers = reactive<Record<string, Record<string, number>>>({});
  const sent = new Map<string, number>();

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

  /** Moves one's own pointer to `seq` (once per seq) and clears the room's unread count. */
  function markRead(roomId: string, seq: number): void {
    useRoomsStore().clearUnread(roomId);
    if (seq <= (sent.get(roomId) ?? 0)) return;
    sent.set(roomId, seq);
    useConnectionStore()
      .request('mark_read', { roomId, seq })
      .catch(() => {
        // Not recorded: allow the next attempt to send it again.
        if (sent.get(roomId) === seq) sent.delete(roomId);
      });
  }

  function drop(roomId: string): void {
    delete pointers[roomId];
    sent.delete(roomId);
  }

  return { pointers, apply, seenBy, markRead, drop };
});
