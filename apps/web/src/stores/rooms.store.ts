import {
  changePreview,
  toMessagePreview,
  type Message,
  type MessagePreview,
  type Room,
} from '@chat/contracts';
import { defineStore } from 'pinia';
import { computed, reactive, ref, watch } from 'vue';
import { mentionsMe } from '../services/mentions';
import { useAuthStore } from './auth.store';
import { useConnectionStore } from './connection.store';
import { useUsersStore } from './users.store';
import { readStored, writeStored } from './storage';

/**
 * A room as listed: the server's view (with the preview of its newest message, `lastMessage`)
 * plus what the client learned from the messages it received since.
 */
export interface RoomEntry extends Room {
  /** Unread messages that mention the viewer or `@room`: the server's count, then live ones. */
  unreadMentions: number;
  /** ISO time of the newest activity (last message, else creation): the list's sort key. */
  activityAt: string;
  /** The viewer muted it: no unread badge or notice, except for mentions of them. */
  muted: boolean;
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
  /** Direct-message rooms and group rooms: the sidebar lists them apart. */
  const directRooms = computed(() => sorted.value.filter((r) => r.direct === true));
  const groupRooms = computed(() => sorted.value.filter((r) => r.direct !== true));
  const openRoom = computed(() => (openRoomId.value ? byId[openRoomId.value] : undefined));
  /** What the tab title counts: a muted room's mentions only. */
  const totalUnread = computed(() =>
    sorted.value.reduce((n, r) => n + (r.muted ? r.unreadMentions : r.unread), 0),
  );
  // Stores holding something per room register how to forget it: the list needs not know them.
  const forgetters: ((roomId: string) => void)[] = [];

  /**
   * Adds or refreshes a room; `keepUnread` keeps the local count and mute (broadcast rooms
   * carry neither of ours).
   */
  function upsert(room: Room, keepUnread = false): void {
    const known = byId[room.roomId];
    const lastMessage = newer(known?.lastMessage, room.lastMessage);
    const activityAt = known?.activityAt ?? room.createdAt;
    byId[room.roomId] = {
      ...room,
      lastSeq: Math.max(room.lastSeq, known?.lastSeq ?? 0),
      unread: keepUnread && known ? known.unread : room.unread,
      unreadMentions:
        keepUnread && known
          ? known.unreadMentions
          : Math.min(room.unreadMentions ?? 0, room.unread),
      ...(lastMessage ? { lastMessage } : {}),
      activityAt:
        lastMessage && lastMessage.createdAt > activityAt ? lastMessage.createdAt : activityAt,
      muted: keepUnread && known ? known.muted : room.muted === true,
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

  /**
   * Records a message's effect on the list: last seq, preview and activity time. A change
   * (edit, deletion) of the previewed message changes the preview; other changes only the seq.
   */
  function noteMessage(message: Message): void {
    const room = byId[message.roomId];
    if (!room) return;
    room.lastSeq = Math.max(room.lastSeq, message.seq);
    const preview = toMessagePreview(message);
    const last = room.lastMessage;
    if (!preview) {
      if (last) room.lastMessage = changePreview(last, message);
      return;
    }
    if (!last || preview.seq >= last.seq) {
      room.lastMessage = preview;
      if (preview.createdAt > room.activityAt) room.activityAt = preview.createdAt;
    }
  }

  /** Counts a message from someone else as unread, and as a mention if it names the viewer. */
  function addUnread(message: Message): void {
    const room = byId[message.roomId];
    if (!room) return;
    room.unread++;
    if (mentionsMe(message, useAuthStore().userId)) room.unreadMentions++;
  }

  function clearUnread(roomId: string): void {
    const room = byId[roomId];
    if (!room) return;
    room.unread = 0;
    room.unreadMentions = 0;
  }

  /** Mutes or unmutes a room for this user, on every device of theirs (the server keeps it). */
  async function setMuted(roomId: string, muted: boolean): Promise<void> {
    const ack = await useConnectionStore().request('mute_room', { roomId, muted });
    applyMuted(ack.roomId, ack.muted);
  }

  /** A mute set here or on another device of this user (`room_muted`). */
  function applyMuted(roomId: string, muted: boolean): void {
    const room = byId[roomId];
    if (room) room.muted = muted;
  }

  function isMember(room: Room): boolean {
    const me = useAuthStore().userId;
    return me !== null && room.participants.includes(me);
  }

  /** Fetches the newest message of rooms the server listed without a preview. */
  async function loadPreviews(): Promise<void> {
    const stale = Object.values(byId).filter((r) => r.lastSeq > 0 && !r.lastMessage);
    const { request } = useConnectionStore();
    const worker = async () => {
      for (let room = stale.shift(); room; room = stale.shift()) {
        const page = await request('get_messages', { roomId: room.roomId, limit: 1 });
        page.messages.forEach(noteMessage);
      }
    };
    await Promise.all(Array.from({ length: PREVIEW_CONCURRENCY }, worker));
  }

  /** A room just shared with people: their presence is ours to see from now on. */
  function learnPresence(room: Room): void {
    useUsersStore()
      .refresh(room.participants)
      .catch(() => undefined);
  }

  async function create(name: string, participants: string[]): Promise<Room> {
    const trimmed = name.trim();
    const { room } = await useConnectionStore().request('create_room', {
      ...(trimmed ? { name: trimmed } : {}),
      participants,
    });
    upsert(room);
    learnPresence(room);
    return room;
  }

  /** The direct room of the viewer and `userId` (created by the server the first time). */
  async function openDirect(userId: string): Promise<Room> {
    const { room } = await useConnectionStore().request('open_direct', { userId });
    upsert(room, true);
    learnPresence(room);
    return room;
  }

  async function invite(roomId: string, userIds: string[]): Promise<void> {
    const { room } = await useConnectionStore().request('invite', { roomId, userIds });
    upsert(room, true);
    learnPresence(room);
  }

  /** Owner only: sets the room's name and topic (trimmed; empty leaves it unnamed / clears it). */
  async function update(roomId: string, changes: { name: string; topic: string }): Promise<Room> {
    const { room } = await useConnectionStore().request('update_room', {
      roomId,
      name: changes.name.trim(),
      topic: changes.topic.trim(),
    });
    upsert(room, true);
    return room;
  }

  /** Owner only: takes another member out of the room. */
  async function removeMember(roomId: string, userId: string): Promise<void> {
    const { room } = await useConnectionStore().request('remove_member', { roomId, userId });
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
    directRooms,
    groupRooms,
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
    setMuted,
    applyMuted,
    isMember,
    loadPreviews,
    create,
    openDirect,
    update,
    removeMember,
    invite,
    leave,
    destroy,
  };
});

const newer = (a?: MessagePreview, b?: MessagePreview): MessagePreview | undefined =>
  !a || (b && b.seq >= a.seq) ? b : a;
