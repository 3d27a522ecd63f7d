import { EventEmitter } from 'node:events';
import {
  applyChange,
  changePreview,
  CLIENT_MSG_ID_TTL_MS,
  emptiedEdit,
  decodeEnvelope,
  messageEnvelope,
  MessagePreviewSchema,
  toMessagePreview,
  type MessagePreview,
  type RoomEventEnvelope,
  type Message,
} from '@chat/contracts';
import {
  EventLog,
  mentionList,
  SENT_MARKS_KEPT,
  type AppendResult,
  type MessageDraft,
  type UnreadCount,
} from '../ports/event-log.port.js';
import type { PageRange } from '../ports/page.js';
import { signalAppend } from './sqlite-append-signal.js';
import { SqliteConsumerGroups } from './sqlite-consumer-groups.js';
import { SqliteGroupCommit } from './sqlite-group-commit.js';
import {
  addMissingColumns,
  jsonList,
  settle,
  statementsOf,
  type SqliteDatabase,
  type StatementCache,
} from './sqlite.js';

export interface SqliteEventLogOptions {
  /** Clock in ms, for pending idle times and dedupe expiry. Defaults to `Date.now`. */
  now?: () => number;
  /** How often a blocked `read` looks for appends made by other processes (ms). Default 25. */
  pollMs?: number;
  /** How long a `clientMsgId` is remembered at least (ms). Default 24 h. */
  dedupeTtlMs?: number;
}

/** Entries of a room that are messages and outlive its last deletion (`@roomId`). */
const VISIBLE = `room_id = @roomId AND seq IS NOT NULL AND entry_id > COALESCE(
  (SELECT up_to_entry FROM log_forgotten_rooms WHERE room_id = @roomId), 0)`;

const messageOf = (raw: string): Message[] => {
  const decoded = decodeEnvelope(raw);
  return decoded.ok && decoded.envelope.type === 'message.created'
    ? [decoded.envelope.payload]
    : [];
};

interface WindowParams {
  roomId: string;
  limit: number;
  before: number | undefined;
  after: number | undefined;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS log_entries (
  entry_id INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id TEXT,
  seq INTEGER,
  raw TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS log_entries_room_seq ON log_entries (room_id, seq);
CREATE TABLE IF NOT EXISTS log_room_seqs (room_id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS log_dedupe (
  room_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  client_msg_id TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (room_id, user_id, client_msg_id)
);
CREATE INDEX IF NOT EXISTS log_dedupe_created ON log_dedupe (created_at);
CREATE TABLE IF NOT EXISTS log_last_messages (
  room_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  preview TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS log_forgotten_rooms (
  room_id TEXT PRIMARY KEY,
  up_to_entry INTEGER NOT NULL
);
`;

/** Marks of each room's newest user messages, for unread counts that never read messages. */
const SENT_MARKS_SCHEMA = `
CREATE TABLE log_sent_marks (
  room_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  PRIMARY KEY (room_id, seq)
) WITHOUT ROWID;
INSERT INTO log_sent_marks (room_id, seq, user_id)
  SELECT room_id, seq, json_extract(raw, '$.payload.userId') FROM log_entries
  WHERE seq IS NOT NULL AND json_extract(raw, '$.payload.kind') = 'user';
`;

/**
 * The embedded event log: a SQLite table shared by every process that opens the file.
 *
 * Every write is one `BEGIN IMMEDIATE` transaction, so dedupe + next seq + insert are atomic
 * across processes; entry ids come from AUTOINCREMENT and are never reused, so a group's
 * position (the last entry id delivered to it) stays meaningful after a trim. All state
 * (seqs, groups, pending, dead letters) lives in the database, none only in memory.
 */
export class SqliteEventLog extends EventLog {
  private readonly now: () => number;
  /** The consumer groups reading this log (the sinks). */
  readonly groups: SqliteConsumerGroups;
  private readonly appends: SqliteGroupCommit<MessageDraft, AppendResult>;
  /** The live feed: messages appended through this instance (embedded mode is one process). */
  private readonly live = new EventEmitter();

  private readonly statements: StatementCache;

  constructor(
    private readonly db: SqliteDatabase,
    options: SqliteEventLogOptions = {},
  ) {
    super();
    this.statements = statementsOf(db);
    this.now = options.now ?? Date.now;
    db.exec(SCHEMA);
    const hasMarks = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'log_sent_marks'")
      .get();
    // A database from before marks gets them from the entries it still holds.
    if (!hasMarks) db.transaction(() => db.exec(SENT_MARKS_SCHEMA))();
    addMissingColumns(db, 'log_sent_marks', ["mentions TEXT NOT NULL DEFAULT ''"]);
    this.groups = new SqliteConsumerGroups(db, {
      now: this.now,
      pollMs: options.pollMs ?? 25,
      dedupeTtlMs: options.dedupeTtlMs ?? CLIENT_MSG_ID_TTL_MS,
    });
    this.appends = new SqliteGroupCommit(
      db,
      (draft) => this.appendMessageTx(draft),
      (results) => {
        const fresh = results.filter((r) => !r.duplicate);
        if (fresh.length === 0) return;
        this.notifyAppend();
        // Commit order is seq order: each room's messages reach subscribers in seq order.
        for (const { message } of fresh) this.live.emit('message', message);
      },
    );
  }

  /** Group-committed: concurrent appends share one transaction and one fsync. */
  appendMessage(draft: MessageDraft): Promise<AppendResult> {
    return this.appends.submit(draft);
  }

  appendEvent(envelope: RoomEventEnvelope): Promise<string> {
    return settle(() => {
      const info = this.statements
        .prepare('INSERT INTO log_entries (room_id, seq, raw) VALUES (?, NULL, ?)')
        .run(envelope.payload.roomId, JSON.stringify(envelope));
      this.notifyAppend();
      return String(info.lastInsertRowid);
    });
  }

  lastSeqs(roomIds: readonly string[]): Promise<Map<string, number>> {
    return settle(() => {
      const rows = this.statements
        .prepare<[string], { room_id: string; last_seq: number }>(
          'SELECT room_id, last_seq FROM log_room_seqs WHERE room_id IN (SELECT value FROM json_each(?))',
        )
        .all(jsonList(roomIds));
      const found = new Map(rows.map((r) => [r.room_id, r.last_seq]));
      return new Map(roomIds.map((id) => [id, found.get(id) ?? 0]));
    });
  }

  /** One primary-key read per room; entries appended before the table existed have none. */
  lastMessages(roomIds: readonly string[]): Promise<Map<string, MessagePreview>> {
    return settle(() => {
      const rows = this.statements
        .prepare<[string], { room_id: string; preview: string }>(
          'SELECT room_id, preview FROM log_last_messages WHERE room_id IN (SELECT value FROM json_each(?))',
        )
        .all(jsonList(roomIds));
      return new Map(
        rows.map((r) => [r.room_id, MessagePreviewSchema.parse(JSON.parse(r.preview))]),
      );
    });
  }

  window(roomId: string, range: PageRange): Promise<Message[]> {
    return settle(() => {
      const sql =
        range.after !== undefined
          ? `SELECT raw FROM log_entries WHERE ${VISIBLE} AND seq > @after ORDER BY seq LIMIT @limit`
          : `SELECT * FROM (SELECT seq, raw FROM log_entries WHERE ${VISIBLE}
             ${range.before !== undefined ? 'AND seq < @before' : ''}
             ORDER BY seq DESC LIMIT @limit) ORDER BY seq`;
      const rows = this.statements
        .prepare<[WindowParams], { raw: string }>(sql)
        .all({ roomId, limit: range.limit, before: range.before, after: range.after });
      return rows.flatMap(({ raw }) => messageOf(raw));
    });
  }

  /** The entries the sinks have not all acknowledged yet: the log trims the rest. */
  changes(roomId: string, after: number): Promise<Message[]> {
    return settle(() =>
      this.statements
        .prepare<[{ roomId: string; after: number }], { raw: string }>(
          `SELECT raw FROM log_entries WHERE ${VISIBLE} AND seq > @after
           AND json_extract(raw, '$.payload.kind') IN ('edit', 'delete', 'reaction')
           ORDER BY seq`,
        )
        .all({ roomId, after })
        .flatMap(({ raw }) => messageOf(raw)),
    );
  }

  /** Two index seeks per room, counted inside SQLite: no mark becomes a JS object. */
  unreadCounts(
    readerId: string,
    after: ReadonlyMap<string, number>,
    cap: number,
  ): Promise<Map<string, UnreadCount>> {
    return settle(() => {
      const count = this.statements.prepare<
        [{ roomId: string; pointer: number; readerId: string; mention: string; cap: number }],
        { messages: number; mentions: number }
      >(
        `SELECT COUNT(*) AS messages,
           COALESCE(SUM(instr(mentions, @mention) > 0 OR instr(mentions, ' * ') > 0), 0)
             AS mentions
         FROM (SELECT mentions FROM log_sent_marks
         WHERE room_id = @roomId AND seq > MAX(@pointer, COALESCE((SELECT MAX(seq)
           FROM log_sent_marks WHERE room_id = @roomId AND user_id = @readerId), 0))
         LIMIT @cap)`,
      );
      // An id with a space in it cannot be mentioned (a mention ends at a space).
      const mention = /\s/.test(readerId) ? '  ' : ` ${readerId} `;
      const counts = new Map<string, UnreadCount>();
      for (const [roomId, pointer] of after) {
        const row = count.get({ roomId, pointer, readerId, mention, cap });
        counts.set(roomId, { messages: row?.messages ?? 0, mentions: row?.mentions ?? 0 });
      }
      return counts;
    });
  }

  deleteRoom(roomId: string): Promise<void> {
    return settle(() => {
      this.statements.prepare('DELETE FROM log_sent_marks WHERE room_id = ?').run(roomId);
      this.statements.prepare('DELETE FROM log_last_messages WHERE room_id = ?').run(roomId);
      this.statements
        .prepare(
          `INSERT INTO log_forgotten_rooms (room_id, up_to_entry)
           VALUES (?, COALESCE((SELECT MAX(entry_id) FROM log_entries), 0))
           ON CONFLICT (room_id) DO UPDATE SET up_to_entry = excluded.up_to_entry`,
        )
        .run(roomId);
    });
  }

  /** In process, the feed is never interrupted: there is nothing to resume from. */
  subscribe(listener: (message: Message) => void): Promise<() => Promise<void>> {
    this.live.on('message', listener);
    return Promise.resolve(() => {
      this.live.off('message', listener);
      return Promise.resolve();
    });
  }

  ping(): Promise<void> {
    return settle(() => {
      this.statements.prepare('SELECT 1').get();
    });
  }

  /** Nothing of its own to release: the shared database stays open. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  private appendMessageTx(draft: MessageDraft): AppendResult {
    if (draft.clientMsgId !== undefined) {
      const first = this.statements
        .prepare<[string, string, string], { message: string }>(
          'SELECT message FROM log_dedupe WHERE room_id = ? AND user_id = ? AND client_msg_id = ?',
        )
        .get(draft.roomId, draft.userId, draft.clientMsgId);
      if (first) return { message: JSON.parse(first.message) as Message, duplicate: true };
    }
    const seq = this.statements
      .prepare<[string], { last_seq: number }>(
        `INSERT INTO log_room_seqs (room_id, last_seq) VALUES (?, 1)
         ON CONFLICT (room_id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`,
      )
      .get(draft.roomId)?.last_seq;
    if (seq === undefined) throw new Error('seq counter returned no row');
    const message: Message = { ...draft, seq };
    const { roomId, userId, kind, clientMsgId } = draft;
    this.statements
      .prepare('INSERT INTO log_entries (room_id, seq, raw) VALUES (?, ?, ?)')
      .run(roomId, seq, JSON.stringify(messageEnvelope(message)));
    if (kind === 'delete' && message.target !== undefined) this.scrub(message);
    this.keepPreview(message);
    if (kind === 'user') {
      this.statements
        .prepare('INSERT INTO log_sent_marks (room_id, seq, user_id, mentions) VALUES (?, ?, ?, ?)')
        .run(roomId, seq, userId, mentionList(draft));
      // Keep the newest SENT_MARKS_KEPT: one index seek to the oldest one kept.
      this.statements
        .prepare(
          `DELETE FROM log_sent_marks WHERE room_id = @roomId AND seq <= (SELECT seq FROM
           log_sent_marks WHERE room_id = @roomId ORDER BY seq DESC LIMIT 1 OFFSET @kept)`,
        )
        .run({ roomId, kept: SENT_MARKS_KEPT });
    }
    if (clientMsgId !== undefined) {
      this.statements
        .prepare(
          `INSERT INTO log_dedupe (room_id, user_id, client_msg_id, message, created_at)
           VALUES (?, ?, ?, ?, ?)`,
        )
        .run(message.roomId, message.userId, clientMsgId, JSON.stringify(message), this.now());
    }
    return { message, duplicate: false };
  }

  /** The room's preview: a new user or system message replaces it, a change of it changes it. */
  private keepPreview(message: Message): void {
    const fresh = toMessagePreview(message);
    if (fresh) {
      this.statements
        .prepare(
          `INSERT INTO log_last_messages (room_id, seq, preview) VALUES (?, ?, ?)
           ON CONFLICT (room_id) DO UPDATE SET seq = excluded.seq, preview = excluded.preview`,
        )
        .run(message.roomId, message.seq, JSON.stringify(fresh));
      return;
    }
    const row = this.statements
      .prepare<[string, number], { preview: string }>(
        'SELECT preview FROM log_last_messages WHERE room_id = ? AND seq = ?',
      )
      .get(message.roomId, message.target ?? 0);
    if (!row) return;
    const changed = changePreview(MessagePreviewSchema.parse(JSON.parse(row.preview)), message);
    this.statements
      .prepare('UPDATE log_last_messages SET preview = ? WHERE room_id = ?')
      .run(JSON.stringify(changed), message.roomId);
  }

  /**
   * Takes a deleted message's text out of the entries still held: its own entry becomes the
   * tombstone, and its edits lose their content. The sinks read the scrubbed entries if they
   * have not read them yet; what they stored already, the deletion itself removes.
   */
  private scrub(deletion: Message): void {
    const rows = this.statements
      .prepare<[{ roomId: string; target: number }], { entry_id: number; raw: string }>(
        `SELECT entry_id, raw FROM log_entries WHERE room_id = @roomId AND seq >= @target
         AND (seq = @target OR (json_extract(raw, '$.payload.kind') = 'edit'
           AND json_extract(raw, '$.payload.target') = @target))`,
      )
      .all({ roomId: deletion.roomId, target: deletion.target ?? 0 });
    const update = this.statements.prepare('UPDATE log_entries SET raw = ? WHERE entry_id = ?');
    for (const row of rows) {
      const [entry] = messageOf(row.raw);
      if (!entry) continue;
      const scrubbed = entry.kind === 'edit' ? emptiedEdit(entry) : applyChange(entry, deletion);
      update.run(JSON.stringify(messageEnvelope(scrubbed)), row.entry_id);
    }
  }

  private notifyAppend(): void {
    signalAppend(this.db.name);
  }
}
