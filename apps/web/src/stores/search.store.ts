import { ChatError, type ErrorCode, type SearchHit } from '@chat/contracts';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useConnectionStore } from './connection.store';

export type SearchScope = 'room' | 'all';

const PAGE = 20;

/** Full-text search within the open room or across all of one's rooms. */
export const useSearchStore = defineStore('search', () => {
  const query = ref('');
  const scope = ref<SearchScope>('room');
  const hits = ref<SearchHit[]>([]);
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const searched = ref(false);
  const error = ref<ErrorCode | null>(null);
  let generation = 0;

  async function fetchPage(roomId: string | null, cursor: string | null): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    error.value = null;
    try {
      const res = await useConnectionStore().request('search', {
        query: query.value.trim(),
        limit: PAGE,
        ...(scope.value === 'room' && roomId ? { roomId } : {}),
        ...(cursor ? { cursor } : {}),
      });
      // A newer search has started meanwhile: its results win.
      if (mine !== generation) return;
      hits.value = cursor ? [...hits.value, ...res.hits] : res.hits;
      nextCursor.value = res.nextCursor;
      searched.value = true;
    } catch (err) {
      if (mine === generation) error.value = err instanceof ChatError ? err.code : 'INTERNAL';
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  /** Runs the current query; `roomId` is the open room, used when the scope is "room". */
  function run(roomId: string | null): Promise<void> {
    if (!query.value.trim()) {
      clear();
      return Promise.resolve();
    }
    return fetchPage(roomId, null);
  }

  function more(roomId: string | null): Promise<void> {
    return nextCursor.value ? fetchPage(roomId, nextCursor.value) : Promise.resolve();
  }

  function clear(): void {
    generation++;
    hits.value = [];
    nextCursor.value = null;
    searched.value = false;
    loading.value = false;
    error.value = null;
  }

  return { query, scope, hits, nextCursor, loading, searched, error, run, more, clear };
});
