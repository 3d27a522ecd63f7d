import { applyChange, isChangeKind, type Message, type MessageKind } from '@chat/contracts';
import { MessageStore, messageDetails } from '../ports/message-store.port.js';
import type { PageRange } from '../ports/page.js';
import {
  addMissingColumns,
  settle,
  statementsOf,
  type SqliteDatabase,
  type StatementCache,
} from './sqlite.js';

interface MessageRow {
  room_id: string;
  seq: number;
  id: string;
  user_id: string;
  content: string;
  created_at: string;
  client_msg_id: string | null;
  kind: MessageKind;
  target: number | null;
  details: string | null;
}

/** The optional fields of a message, kept as JSON in `details`. */
type Details = Omit<
  Message,
  'id' | 'roomId' | 'seq' | 'userId' | 'content' | 'createdAt' | 'clientMsgId' | 'kind'
>;

interface PageParams {
  roomId: string;
  limit: number;
  before: number | undefined;
  after: number | undefined;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  room_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  content TEXT NOT NULL,
  created_at TEXT NOT NULL,
  client_msg_id TEXT,
  kind TEXT NOT NULL,
  PRIMARY KEY (room_id, seq)
) WITHOUT ROWID;
`;

/** Replies, changes and their state; added to a table from before them. */
const LIFECYCLE_COLUMNS = ['reply_to INTEGER', 'target INTEGER', 'details TEXT'];
const LIFECYCLE_INDEXES = `
CREATE INDEX IF NOT EXISTS messages_reply_to ON messages (room_id, reply_to) WHERE reply_to IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_target ON messages (room_id, target) WHERE target IS NOT NULL;
`;

/**
 * The embedded message store: one SQLite table keyed by (room, seq), message ids unique.
 * `putBatch` is one fsynced transaction of `INSERT OR IGNORE`, so a replayed batch (a sink
 * that died before acking) leaves exactly one copy of each message.
 *
 * A change (edit, delete, reaction) is stored as a row of its own and folded into its target
 * in the same transaction (`applyChange`, idempotent); a deletion also empties the content of
 * the target's edits, so no row keeps a deleted message's text.
 */
export class SqliteMessageStore extends MessageStore {
  private readonly statements: StatementCache;

  constructor(private readonly db: SqliteDatabase) {
    super();
    this.statements = statementsOf(db);
    db.exec(SCHEMA);
    addMissingColumns(db, 'messages', LIFECYCLE_COLUMNS);
    db.exec(LIFECYCLE_INDEXES);
  }

  putBatch(messages: readonly Message[]): Promise<void> {
    return settle(() => {
      const insert = this.statements.prepare(
        `INSERT OR IGNORE INTO messages
         (room_id, seq, id, user_id, content, created_at, client_msg_id, kind, reply_to, target,
          details)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      this.db
        .transaction(() => {
          for (const m of messages) {
            insert.run(
              m.roomId,
              m.seq,
              m.id,
              m.userId,
              m.content,
              m.createdAt,
              m.clientMsgId ?? null,
              m.kind,
              m.replyTo ?? null,
              m.target ?? null,
              detailsOf(m),
            );
            if (isChangeKind(m.kind)) this.apply(m);
          }
        })
        .immediate();
    });
  }

  /**
   * Folds a change into its stored target; a deletion empties the target's edits too, and so
   * does an edit arriving after the deletion.
   */
  private apply(change: Message): void {
    const row = this.statements
      .prepare<[string, number], MessageRow>('SELECT * FROM messages WHERE room_id = ? AND seq = ?')
      .get(change.roomId, change.target ?? 0);
    if (!row) return;
    const target = toMessage(row);
    // A deletion empties the target's edits; so does an edit that raced it, landing after.
    if (change.kind === 'delete' || (change.kind === 'edit' && target.deleted)) {
      this.emptyEdits(change.roomId, target.seq);
    }
    const changed = applyChange(target, change);
    if (changed === target) return;
    this.statements
      .prepare('UPDATE messages SET content = ?, details = ? WHERE room_id = ? AND seq = ?')
      .run(changed.content, detailsOf(changed), change.roomId, target.seq);
  }

  /** Every edit of a message as `emptiedEdit` leaves it: no content, no mentions. */
  private emptyEdits(roomId: string, target: number): void {
    this.statements
      .prepare(
        `UPDATE messages SET content = '', details = json_remove(details, '$.mentions',
           '$.mentionsRoom') WHERE room_id = ? AND target = ? AND kind = 'edit'`,
      )
      .run(roomId, target);
  }

  /** Replies to `seq`, ascending, after a seq: the index on `reply_to` makes it one seek. */
  replies(
    roomId: string,
    seq: number,
    range: { after?: number; limit: number },
  ): Promise<Message[]> {
    return settle(() =>
      this.statements
        .prepare<[{ roomId: string; seq: number; after: number; limit: number }], MessageRow>(
          `SELECT * FROM messages WHERE room_id = @roomId AND reply_to = @seq AND seq > @after
           ORDER BY seq LIMIT @limit`,
        )
        .all({ roomId, seq, after: range.after ?? 0, limit: range.limit })
        .map(toMessage),
    );
  }

  page(roomId: string, range: PageRange): Promise<Message[]> {
    return settle(() => {
      const sql =
        range.after !== undefined
          ? 'SELECT * FROM messages WHERE room_id = @roomId AND seq > @after ORDER BY seq LIMIT @limit'
          : `SELECT * FROM (SELECT * FROM messages WHERE room_id = @roomId
             ${range.before !== undefined ? 'AND seq < @before' : ''}
             ORDER BY seq DESC LIMIT @limit) ORDER BY seq`;
      return this.statements
        .prepare<[PageParams], MessageRow>(sql)
        .all({ roomId, limit: range.limit, before: range.before, after: range.after })
        .map(toMessage);
    });
  }

  deleteRoom(roomId: string): Promise<void> {
    return settle(() => {
      this.statements.prepare('DELETE FROM messages WHERE room_id = ?').run(roomId);
    });
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

function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    roomId: row.room_id,
    seq: row.seq,
    userId: row.user_id,
    content: row.content,
    createdAt: row.created_at,
    ...(row.client_msg_id !== null && { clientMsgId: row.client_msg_id }),
    kind: row.kind,
    ...(row.details !== null && (JSON.parse(row.details) as Details)),
  };
}

const detailsOf = (message: Message): string | null => messageDetails(message) ?? null;
