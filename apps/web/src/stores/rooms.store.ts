import { applyChange, isChangeKind, type Message, type Room } from '@chat/contracts';
import { defineStore } from 'pinia';
import { computed, reactive, ref, watch } from 'vue';
import { useAuthStore } from './auth.store';
import { useConnectionStore } from './connection.store';
import { readStored, writeStored } from './storage';

/** A room as listed: the server's view plus what the client learned from its messages. */
export interface RoomEntry extends Room {
  lastMessage?: Message;
  /** ISO time of the newest activity (last message, else creation): the list's sort key. */
  activityAt: string;
}

const PREVIEW_CONCURRENCY = 4;
const OPEN_ROOM_KEY = 'chat.openRoom';
const isString = (v: unknown): v is string => typeof v === 'string';

export const useRoomsStore = defineStore('rooms', () => {
  const byId = reactive<Record<string, RoomEntry>>({});
  // Remembered so a reload returns to the same conversation.
  const openRoomId = ref<string | null>(readStored(OPEN_ROOM_KEY, isString) ?? null);
  watch(openRoomId, (id) => writeStored(OPEN_ROOM_KEY, id ?? undefined));

  const sorted = computed(() =>
    Object.values(byId).sort((a, b) => b.activityAt.localeCompare(a.activityAt)),
  );
  const openRoom = computed(() => (openRoomId.value ? byId[openRoomId.value] : undefined));
  const totalUnread = computed(() => sorted.value.reduce((n, r) => n + r.unread, 0));
  // Stores holding something per room register how to forget it: the list needs not know them.
  const forgetters: ((roomId: string) => void)[] = [];

  /** Adds or refreshes a room; `keepUnread` keeps the local count (broadcast rooms lack ours). */
  function upsert(room: Room, keepUnread = false): void {
    const known = byId[room.roomId];
    byId[room.roomId] = {
      ...room,
      lastSeq: Math.max(room.lastSeq, known?.lastSeq ?? 0),
      unread: keepUnread && known ? known.unread : room.unread,
      ...(known?.lastMessage ? { lastMessage: known.lastMessage } : {}),
      activityAt: known?.activityAt ?? room.createdAt,
    };
  }

  /** The server's list after (re)connecting: rooms missing from it are gone. */
  function replaceAll(rooms: readonly Room[]): string[] {
    const keep = new Set(rooms.map((r) => r.roomId));
    const removed = Object.keys(byId).filter((id) => !keep.has(id));
    removed.forEach(remove);
    rooms.forEach((r) => upsert(r));
    if (openRoomId.value && !keep.has(openRoomId.value)) openRoomId.value = null;
    return removed;
  }

  /**
   * Called by each store that holds something per room (history, outbox, typing, receipts) as
   * it is created: `forget` runs for every room removed from then on.
   */
  function onRemove(forget: (roomId: string) => void): void {
    forgetters.push(forget);
  }

  /** Forgets a room and everything held about it (see `onRemove`). */
  function remove(roomId: string): void {
    delete byId[roomId];
    if (openRoomId.value === roomId) openRoomId.value = null;
    for (const forget of forgetters) forget(roomId);
  }

  function close(): void {
    openRoomId.value = null;
  }

  /** Records a message's effect on the list: last seq, preview and activity time. */
  function noteMessage(message: Message): void {
    const room = byId[message.roomId];
    if (!room) return;
    room.lastSeq = Math.max(room.lastSeq, message.seq);
    // A change (edit, deletion, reaction) is no message of its own: it folds into the one shown.
    if (isChangeKind(message.kind)) {
      if (room.lastMessage) room.lastMessage = applyChange(room.lastMessage, message);
      return;
    }
    if (!room.lastMessage || message.seq >= room.lastMessage.seq) {
      room.lastMessage = message;
      if (message.createdAt > room.activityAt) room.activityAt = message.createdAt;
    }
  }

  function addUnread(roomId: string): void {
    const room = byId[roomId];
    if (room) room.unread++;
  }

  function clearUnread(roomId: string): void {
    const room = byId[roomId];
    if (room) room.unread = 0;
  }

  function isMember(room: Room): boolean {
    const me = useAuthStore().userId;
    return me !== null && room.participants.includes(me);
  }

  /** Fetches the newest message of rooms whose preview is missing or stale. */
  async function loadPreviews(): Promise<void> {
    const stale = Object.values(byId).filter(
      (r) => r.lastSeq > 0 && (r.lastMessage?.seq ?? 0) < r.lastSeq,
    );
    const { request } = useConnectionStore();
    const worker = async () => {
      for (let room = stale.shift(); room; room = stale.shift()) {
        const page = await request('get_messages', { roomId: room.roomId, limit: 1 });
        page.messages.forEach(noteMessage);
      }
    };
    await Promise.all(Array.from({ length: PREVIEW_CONCURRENCY }, worker));
  }

  async function create(name: string, participants: string[]): Promise<Room> {
    const trimmed = name.trim();
    const { room } = await useConnectionStore().request('create_room', {
      ...(trimmed ? { name: trimmed } : {}),
      participants,
    });
    upsert(room);
    return room;
  }

  async function invite(roomId: string, userIds: string[]): Promise<void> {
    const { room } = await useConnectionStore().request('invite', { roomId, userIds });
    upsert(room, true);
  }

  async function leave(roomId: string): Promise<void> {
    await useConnectionStore().request('leave_room', { roomId });
    remove(roomId);
  }

  async function destroy(roomId: string): Promise<void> {
    await useConnectionStore().request('delete_room', { roomId });
    remove(roomId);
  }

  return {
    byId,
    openRoomId,
    sorted,
    openRoom,
    totalUnread,
    upsert,
    replaceAll,
    onRemove,
    remove,
    close,
    noteMessage,
    addUnread,
    clearUnread,
    isMember,
    loadPreviews,
    create,
    invite,
    leave,
    destroy,
  };
});
