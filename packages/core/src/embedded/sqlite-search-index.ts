import { applyChange, ChatError, type Message, type SearchResult } from '@chat/contracts';
import { SearchIndex, type SearchQuery } from '../ports/search-index.port.js';
import { highlighter, hitHighlights } from '../search/highlight.js';
import {
  cjkQueryTokens,
  indexTokens,
  parseQueryTerms,
  searchableText,
  type Term,
} from '../search/tokenize.js';
import {
  jsonList,
  settle,
  statementsOf,
  type SqliteDatabase,
  type StatementCache,
} from './sqlite.js';

/**
 * Our own tokens go into a plain column; unicode61 only splits them on spaces. `_` is a token
 * character so CJK tokens keep their prefix; `M*` keeps combining marks inside words, as the
 * TypeScript tokeniser does; diacritics are kept so what matches is what gets highlighted.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS search_docs (
  doc INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  room_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS search_docs_room ON search_docs (room_id);
CREATE INDEX IF NOT EXISTS search_docs_room_seq ON search_docs (room_id, seq);
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
  tokens,
  tokenize = "unicode61 remove_diacritics 0 tokenchars '_' categories 'L* N* M* Co'"
);
`;

/** Where the next page starts: after a (createdAt, seq, id) key, or at an offset by relevance. */
type Cursor =
  | { sort: 'newest'; createdAt: string; seq: number; id: string }
  | { sort: 'relevance'; offset: number };

interface HitRow {
  message: string;
  created_at: string;
  seq: number;
  id: string;
}

interface SearchParams {
  match: string;
  rooms: string;
  limit: number;
  offset: number;
  createdAt: string | null;
  seq: number | null;
  id: string | null;
}

const NEWEST_SQL = `
SELECT d.message, d.created_at, d.seq, d.id
FROM search_fts JOIN search_docs d ON d.doc = search_fts.rowid
WHERE search_fts MATCH @match AND d.room_id IN (SELECT value FROM json_each(@rooms))
  AND (@createdAt IS NULL OR d.created_at < @createdAt OR (d.created_at = @createdAt
    AND (d.seq < @seq OR (d.seq = @seq AND d.id < @id))))
ORDER BY d.created_at DESC, d.seq DESC, d.id DESC
LIMIT @limit`;

const RELEVANCE_SQL = `
SELECT d.message, d.created_at, d.seq, d.id
FROM search_fts JOIN search_docs d ON d.doc = search_fts.rowid
WHERE search_fts MATCH @match AND d.room_id IN (SELECT value FROM json_each(@rooms))
ORDER BY bm25(search_fts), d.created_at DESC, d.seq DESC, d.id DESC
LIMIT @limit OFFSET @offset`;

/**
 * The embedded search index on SQLite FTS5 over tokens produced by `search/tokenize.ts`:
 * Latin (and other spaced scripts) by case-insensitive word prefix, Hangul/Han/Kana by
 * substring of any length via unigrams and bigrams, in the content and the attachments' file
 * names. User input never reaches FTS5 syntax: it is
 * reduced to letter/digit terms, each quoted. Only `user` messages are indexed.
 *
 * Cursors: `newest` pages by a (createdAt, seq, id) keyset, stable while messages arrive;
 * `relevance` pages by offset.
 */
export class SqliteSearchIndex extends SearchIndex {
  private readonly statements: StatementCache;

  constructor(private readonly db: SqliteDatabase) {
    super();
    this.statements = statementsOf(db);
    db.exec(SCHEMA);
  }

  /** Idempotent by message id: a message indexed again keeps its one document. */
  putBatch(messages: readonly Message[]): Promise<void> {
    return settle(() => {
      const insertDoc = this.statements.prepare(
        `INSERT OR IGNORE INTO search_docs (id, room_id, seq, created_at, message)
         VALUES (?, ?, ?, ?, ?)`,
      );
      const insertTokens = this.statements.prepare(
        'INSERT INTO search_fts (rowid, tokens) VALUES (?, ?)',
      );
      this.db
        .transaction(() => {
          for (const m of messages) {
            if (m.kind !== 'user' || m.deleted) continue;
            const doc = insertDoc.run(m.id, m.roomId, m.seq, m.createdAt, JSON.stringify(m));
            if (doc.changes === 0) continue;
            insertTokens.run(doc.lastInsertRowid, indexTokens(searchableText(m)).join(' '));
          }
        })
        .immediate();
    });
  }

  /** An edit replaces its target's document and tokens; a deletion removes both. */
  applyChanges(changes: readonly Message[]): Promise<void> {
    return settle(() => {
      const find = this.statements.prepare<[string, number], { doc: number; message: string }>(
        'SELECT doc, message FROM search_docs WHERE room_id = ? AND seq = ?',
      );
      const updateDoc = this.statements.prepare('UPDATE search_docs SET message = ? WHERE doc = ?');
      const deleteDoc = this.statements.prepare('DELETE FROM search_docs WHERE doc = ?');
      const deleteTokens = this.statements.prepare('DELETE FROM search_fts WHERE rowid = ?');
      const insertTokens = this.statements.prepare(
        'INSERT INTO search_fts (rowid, tokens) VALUES (?, ?)',
      );
      this.db
        .transaction(() => {
          for (const change of changes) {
            if (change.kind !== 'edit' && change.kind !== 'delete') continue;
            const row = find.get(change.roomId, change.target ?? 0);
            if (!row) continue;
            deleteTokens.run(row.doc);
            if (change.kind === 'delete') {
              deleteDoc.run(row.doc);
              continue;
            }
            const edited = applyChange(JSON.parse(row.message) as Message, change);
            updateDoc.run(JSON.stringify(edited), row.doc);
            insertTokens.run(row.doc, indexTokens(searchableText(edited)).join(' '));
          }
        })
        .immediate();
    });
  }

  search(query: SearchQuery): Promise<SearchResult> {
    return settle(() => {
      const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      if (cursor && cursor.sort !== query.sort) {
        throw new ChatError('BAD_REQUEST', 'cursor belongs to another sort order');
      }
      const terms = parseQueryTerms(query.query);
      if (terms.length === 0 || query.roomIds.length === 0) return { hits: [], nextCursor: null };
      const limit = Math.max(1, Math.floor(query.limit));
      const offset = cursor?.sort === 'relevance' ? cursor.offset : 0;
      const key = cursor?.sort === 'newest' ? cursor : undefined;
      const rows = this.statements
        .prepare<[SearchParams], HitRow>(query.sort === 'newest' ? NEWEST_SQL : RELEVANCE_SQL)
        .all({
          match: toMatchExpression(terms),
          rooms: jsonList(query.roomIds),
          limit: limit + 1,
          offset,
          createdAt: key?.createdAt ?? null,
          seq: key?.seq ?? null,
          id: key?.id ?? null,
        });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const next: Cursor | undefined =
        rows.length <= limit || !last
          ? undefined
          : query.sort === 'newest'
            ? { sort: 'newest', createdAt: last.created_at, seq: last.seq, id: last.id }
            : { sort: 'relevance', offset: offset + limit };
      const highlight = highlighter(query.query);
      return {
        hits: page.map((row) => {
          const message = JSON.parse(row.message) as Message;
          return { message, highlights: hitHighlights(highlight, message) };
        }),
        nextCursor: next ? encodeCursor(next) : null,
      };
    });
  }

  deleteRoom(roomId: string): Promise<void> {
    return settle(() =>
      this.db
        .transaction(() => {
          this.statements
            .prepare(
              'DELETE FROM search_fts WHERE rowid IN (SELECT doc FROM search_docs WHERE room_id = ?)',
            )
            .run(roomId);
          this.statements.prepare('DELETE FROM search_docs WHERE room_id = ?').run(roomId);
        })
        .immediate(),
    );
  }

  ping(): Promise<void> {
    return settle(() => {
      this.statements.prepare('SELECT 1').get();
    });
  }

  /** Nothing to release: the shared database is closed by whoever opened it. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Every term ANDed; each one a quoted FTS5 string, so no input can be FTS5 syntax. */
function toMatchExpression(terms: readonly Term[]): string {
  const quote = (text: string): string => `"${text.replaceAll('"', '""')}"`;
  return terms
    .map((term) =>
      term.kind === 'word' ? `${quote(term.text)} *` : quote(cjkQueryTokens(term.text).join(' ')),
    )
    .join(' AND ');
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(raw: string): Cursor {
  const invalid = new ChatError('BAD_REQUEST', 'invalid search cursor');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (typeof value !== 'object' || value === null) throw invalid;
  const c = value as Record<string, unknown>;
  if (
    c.sort === 'newest' &&
    typeof c.createdAt === 'string' &&
    typeof c.seq === 'number' &&
    typeof c.id === 'string'
  ) {
    return { sort: 'newest', createdAt: c.createdAt, seq: c.seq, id: c.id };
  }
  if (c.sort === 'relevance' && Number.isSafeInteger(c.offset) && Number(c.offset) >= 0) {
    return { sort: 'relevance', offset: Number(c.offset) };
  }
  throw invalid;
}
