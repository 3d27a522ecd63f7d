import type { Message, SearchResult } from '@chat/contracts';

export interface SearchQuery {
  /** Free text; every term must match. Korean terms match inside longer words. */
  query: string;
  /** Only messages of these rooms are searched (the caller's rooms, already filtered). */
  roomIds: readonly string[];
  limit: number;
  cursor?: string;
  sort: 'newest' | 'relevance';
}

/**
 * The search index over user messages.
 *
 * Guarantees:
 * - `putBatch` is idempotent by message id.
 * - `search` only ever returns messages of `roomIds`; every term must match, in the content or
 *   in one attachment's file name, and the hit carries the attachments (case-insensitive
 *   for Latin script; Hangul/CJK terms of one or more characters match inside longer words);
 *   highlights are HTML-escaped fragments with the matches wrapped in `<mark>…</mark>`: the
 *   content's, then each matching file name.
 * - `applyChanges` applies edits (the new text is found, the old one no longer) and deletions
 *   (the message is no longer found); reactions change nothing searchable. Idempotent.
 * - After `deleteRoom` no message of the room is returned.
 */
export abstract class SearchIndex {
  abstract putBatch(messages: readonly Message[]): Promise<void>;
  abstract applyChanges(changes: readonly Message[]): Promise<void>;
  abstract search(query: SearchQuery): Promise<SearchResult>;
  abstract deleteRoom(roomId: string): Promise<void>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
