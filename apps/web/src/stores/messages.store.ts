import { DEFAULT_PAGE_LIMIT, type Message, type MessagePage } from '@chat/contracts';
import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import { notifyError } from '../services/notify-error';
import { useConnectionStore } from './connection.store';
import { useRoomsStore } from './rooms.store';
import { useThreadsStore } from './threads.store';
import {
  appendLive,
  appendPage,
  fromNewestPage,
  holdsSeq,
  newestSeq,
  oldestSeq,
  prependPage,
  type Timeline,
} from './timeline';

/** How many messages before a search hit are loaded with it, for context. */
const CONTEXT_BEFORE = 10;
/** A hit this close to the loaded history is reached by paging back instead of a new window. */
const PAGE_BACK_REACH = 2 * DEFAULT_PAGE_LIMIT;

export interface MessageFocus {
  roomId: string;
  seq: number;
  /** Changes on every request, so jumping to the same message twice scrolls twice. */
  nonce: number;
}

/** Each room's loaded history, kept complete: paged back, gap-filled forward, never a hole. */
export const useMessagesStore = defineStore('messages', () => {
  const timelines = reactive<Record<string, Timeline>>({});
  const busy = reactive<Record<string, boolean>>({});
  const focus = ref<MessageFocus | null>(null);
  /** Set by the message list: the bottom of the open room is on screen. */
  const atLatest = ref(true);
  // Work on one room's timeline runs one task at a time, so pages never interleave.
  const queues = new Map<string, Promise<void>>();

  function serial(roomId: string, task: () => Promise<void>): Promise<void> {
    const run = (queues.get(roomId) ?? Promise.resolve()).catch(() => undefined).then(task);
    const tracked = run.finally(() => {
      if (queues.get(roomId) === tracked) queues.delete(roomId);
    });
    queues.set(roomId, tracked);
    return run;
  }

  async function withBusy(roomId: string, task: () => Promise<void>): Promise<void> {
    busy[roomId] = true;
    try {
      await task();
    } finally {
      busy[roomId] = false;
    }
  }

  const page = (roomId: string, cursor: { before?: number; after?: number }) =>
    useConnectionStore().request('get_messages', { roomId, ...cursor, limit: DEFAULT_PAGE_LIMIT });

  function noteNewest(messages: readonly Message[]): void {
    const last = messages.at(-1);
    if (last) useRoomsStore().noteMessage(last);
  }

  /** Puts a room in view: it becomes the open room, and its history loads on first view. */
  function select(roomId: string): Promise<void> {
    useRoomsStore().openRoomId = roomId;
    return open(roomId);
  }

  /** Opens a room: `join_room` once, then its history stays loaded and live. */
  function open(roomId: string): Promise<void> {
    return serial(roomId, async () => {
      if (timelines[roomId]) return;
      await withBusy(roomId, async () => {
        const ack = await useConnectionStore().request('join_room', { roomId });
        useRoomsStore().upsert(ack.room, true);
        if ('messages' in ack) applyNewestPage(roomId, ack, true);
      });
    });
  }

  /** The newest page of a room (join ack, or `receive_messages` for the room being opened). */
  function applyNewestPage(roomId: string, newest: MessagePage, create = false): void {
    const t = timelines[roomId];
    noteNewest(newest.messages);
    if (!t) {
      if (create || useRoomsStore().openRoomId === roomId) {
        timelines[roomId] = fromNewestPage(newest);
      }
      return;
    }
    if (appendLive(t, newest.messages)) void fillForward(roomId);
  }

  /** A live message (or one's own, once acked). */
  function receive(message: Message): void {
    useRoomsStore().noteMessage(message);
    useThreadsStore().receive(message);
    const t = timelines[message.roomId];
    if (t && appendLive(t, [message])) void fillForward(message.roomId);
  }

  /** Pages forward from the newest held message until the server has nothing newer. */
  function fillForward(roomId: string): Promise<void> {
    return serial(roomId, async () => {
      for (let t = timelines[roomId]; t; t = timelines[roomId]) {
        const next = await page(roomId, { after: newestSeq(t) });
        if (!timelines[roomId]) return;
        appendPage(t, next);
        noteNewest(next.messages);
        if (!next.hasMore || next.messages.length === 0) break;
      }
      const t = timelines[roomId];
      if (t) t.hasMoreAfter = false;
    });
  }

  /** After a reconnect: every loaded room that was live catches up on what it missed. */
  async function resyncLoaded(): Promise<void> {
    const live = Object.keys(timelines).filter((id) => !timelines[id]?.hasMoreAfter);
    await Promise.all(live.map(fillForward));
  }

  function loadOlder(roomId: string): Promise<void> {
    return serial(roomId, async () => {
      const t = timelines[roomId];
      if (!t?.hasMoreBefore) return;
      await withBusy(roomId, async () =>
        prependPage(t, await page(roomId, { before: oldestSeq(t) })),
      );
    });
  }

  function loadNewer(roomId: string): Promise<void> {
    return serial(roomId, async () => {
      const t = timelines[roomId];
      if (!t?.hasMoreAfter) return;
      await withBusy(roomId, async () =>
        appendPage(t, await page(roomId, { after: newestSeq(t) })),
      );
    });
  }

  /** Back to the live end of a room after reading an old stretch of it. */
  function jumpToLatest(roomId: string): Promise<void> {
    return serial(roomId, async () => {
      if (!timelines[roomId]?.hasMoreAfter) return;
      const newest = await useConnectionStore().request('get_messages', { roomId });
      timelines[roomId] = fromNewestPage(newest);
      noteNewest(newest.messages);
    });
  }

  /** Shows one message (a search hit): loads it with some context if needed, then focuses it. */
  async function jumpTo(roomId: string, seq: number): Promise<void> {
    await open(roomId);
    await serial(roomId, async () => {
      const t = timelines[roomId];
      if (!t || holdsSeq(t, seq)) return;
      while (t.hasMoreBefore && seq < oldestSeq(t) && oldestSeq(t) - seq <= PAGE_BACK_REACH) {
        prependPage(t, await page(roomId, { before: oldestSeq(t) }));
      }
      if (holdsSeq(t, seq)) return;
      const after = Math.max(0, seq - CONTEXT_BEFORE - 1);
      const around = await page(roomId, { after });
      timelines[roomId] = {
        messages: around.messages,
        hasMoreBefore: after > 0,
        hasMoreAfter: around.hasMore,
      };
    });
    focus.value = { roomId, seq, nonce: Date.now() };
  }

  /** The room is open, scrolled to its newest message, and the page is visible. */
  function isViewingLatest(roomId: string): boolean {
    const t = timelines[roomId];
    return (
      useRoomsStore().openRoomId === roomId &&
      atLatest.value &&
      t !== undefined &&
      !t.hasMoreAfter &&
      document.visibilityState === 'visible'
    );
  }

  /**
   * Runs a change of a message (edit, delete, react). The change reaches the view as everyone
   * sees it, on the live feed (`message_changed`); a refusal is told to the user as a notice.
   * Resolves to whether the server took it.
   */
  async function change(run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
      return true;
    } catch (err) {
      notifyError(err);
      return false;
    }
  }

  const edit = (roomId: string, seq: number, content: string): Promise<boolean> =>
    change(() => useConnectionStore().request('edit_message', { roomId, seq, content }));

  const remove = (roomId: string, seq: number): Promise<boolean> =>
    change(() => useConnectionStore().request('delete_message', { roomId, seq }));

  const react = (roomId: string, seq: number, emoji: string, on: boolean): Promise<boolean> =>
    change(() => useConnectionStore().request('react', { roomId, seq, emoji, on }));

  function drop(roomId: string): void {
    useThreadsStore().drop(roomId);
    delete timelines[roomId];
    delete busy[roomId];
    if (focus.value?.roomId === roomId) focus.value = null;
  }
  useRoomsStore().onRemove(drop);

  return {
    timelines,
    busy,
    focus,
    atLatest,
    isViewingLatest,
    select,
    open,
    applyNewestPage,
    receive,
    fillForward,
    resyncLoaded,
    loadOlder,
    loadNewer,
    jumpToLatest,
    jumpTo,
    edit,
    remove,
    react,
    drop,
  };
});
