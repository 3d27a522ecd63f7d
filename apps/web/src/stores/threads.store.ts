import { applyChanges, isChangeKind, type Message } from '@chat/contracts';
import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import { useConnectionStore } from './connection.store';

/** Replies per `get_thread` page. */
const THREAD_PAGE = 100;

export interface OpenThread {
  roomId: string;
  seq: number;
}

/**
 * Replies: the message each room's composer is answering (`replyTo`, kept until sent or
 * cancelled), and the one thread open beside the conversation: its parent and replies, paged by
 * `get_thread` and kept live by the room's messages and changes (`receive`).
 */
export const useThreadsStore = defineStore('threads', () => {
  const replyTo = reactive<Record<string, number>>({});
  const open = ref<OpenThread | null>(null);
  const parent = ref<Message | null>(null);
  const replies = ref<Message[]>([]);
  const hasMore = ref(false);
  const loading = ref(false);

  function startReply(roomId: string, seq: number): void {
    replyTo[roomId] = seq;
  }

  function cancelReply(roomId: string): void {
    delete replyTo[roomId];
  }

  /** The message being answered, once: the composer sends with it and the bar goes away. */
  function takeReply(roomId: string): number | undefined {
    const seq = replyTo[roomId];
    delete replyTo[roomId];
    return seq;
  }

  const isOpen = (roomId: string, seq: number): boolean =>
    open.value?.roomId === roomId && open.value.seq === seq;

  async function loadPage(after?: number): Promise<void> {
    const thread = open.value;
    if (!thread) return;
    loading.value = true;
    try {
      const page = await useConnectionStore().request('get_thread', {
        ...thread,
        limit: THREAD_PAGE,
        ...(after !== undefined && { after }),
      });
      if (!isOpen(thread.roomId, thread.seq)) return;
      parent.value = page.parent;
      const known = new Set(replies.value.map((m) => m.seq));
      const fresh = page.messages.filter((m) => !known.has(m.seq));
      replies.value = [...replies.value, ...fresh].sort((a, b) => a.seq - b.seq);
      hasMore.value = page.hasMore;
    } finally {
      loading.value = false;
    }
  }

  /** Opens the thread of one message and loads its first replies; rejects as `get_thread` does. */
  function openThread(roomId: string, seq: number): Promise<void> {
    if (isOpen(roomId, seq) && parent.value) return Promise.resolve();
    open.value = { roomId, seq };
    parent.value = null;
    replies.value = [];
    hasMore.value = false;
    return loadPage();
  }

  function loadMore(): Promise<void> {
    return hasMore.value ? loadPage(replies.value.at(-1)?.seq) : Promise.resolve();
  }

  function close(): void {
    open.value = null;
    parent.value = null;
    replies.value = [];
  }

  /** A message or change of a room: a new reply joins the open thread, changes fold in. */
  function receive(message: Message): void {
    const thread = open.value;
    if (!thread || thread.roomId !== message.roomId || !parent.value) return;
    if (isChangeKind(message.kind)) {
      parent.value = applyChanges([parent.value], [message])[0] ?? parent.value;
      replies.value = applyChanges(replies.value, [message]);
      return;
    }
    if (message.replyTo !== thread.seq || hasMore.value) return;
    if (replies.value.some((m) => m.seq === message.seq)) return;
    replies.value = [...replies.value, message].sort((a, b) => a.seq - b.seq);
  }

  function drop(roomId: string): void {
    delete replyTo[roomId];
    if (open.value?.roomId === roomId) close();
  }

  return {
    replyTo,
    open,
    parent,
    replies,
    hasMore,
    loading,
    startReply,
    cancelReply,
    takeReply,
    openThread,
    loadMore,
    close,
    receive,
    drop,
  };
});
