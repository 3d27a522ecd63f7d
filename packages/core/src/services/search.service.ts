import { DEFAULT_SEARCH_LIMIT, type SearchPayload, type SearchResult } from '@chat/contracts';
import type { RoomStore, SearchIndex } from '../ports/index.js';
import { requireMember } from './access.js';

/** Keyword search, only ever over the rooms the caller belongs to. */
export class SearchService {
  constructor(
    private readonly rooms: RoomStore,
    private readonly index: SearchIndex,
  ) {}

  async search(userId: string, payload: SearchPayload): Promise<SearchResult> {
    const roomIds =
      payload.roomId === undefined
        ? (await this.rooms.roomsOf(userId)).map((r) => r.roomId)
        : [(await requireMember(this.rooms, payload.roomId, userId)).roomId];
    if (roomIds.length === 0) return { hits: [], nextCursor: null };
    return this.index.search({
      query: payload.query,
      roomIds,
      limit: payload.limit ?? DEFAULT_SEARCH_LIMIT,
      sort: payload.sort ?? 'newest',
      ...(payload.cursor === undefined ? {} : { cursor: payload.cursor }),
    });
  }
}
