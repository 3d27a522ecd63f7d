import type { Message, MessageKind } from '@chat/contracts';
import { MessageStore } from '../ports/message-store.port.js';
import type { PageRange } from '../ports/page.js';
import { settle, type SqliteDatabase } from './sqlite.js';

interface MessageRow {
  room_id: string;
  seq: number;
  id: string;
  user_id: string;
  content: string;
  created_at: string;
  client_msg_id: string | null;
  kind: MessageKind;
}

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

/**
 * The embedded message store: one SQLite table keyed by (room, seq), message ids unique.
 * `putBatch` is one fsynced transaction of `INSERT OR IGNORE`, so a replayed batch (a sink
 * that died before acking) leaves exactly one copy of each message.
 */
export class SqliteMessageStore extends MessageStore {
  constructor(private readonly db: SqliteDatabase) {
    super();
    db.exec(SCHEMA);
  }

  putBatch(messages: readonly Message[]): Promise<void> {
    return settle(() => {
      const insert = this.db.prepare(
        `INSERT OR IGNORE INTO messages
         (room_id, seq, id, user_id, content, created_at, client_msg_id, kind)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
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
            );
          }
        })
        .immediate();
    });
  }

  page(roomId: string, range: PageRange): Promise<Message[]> {
    return settle(() => {
      const sql =
        range.after !== undefined
          ? 'SELECT * FROM messages WHERE room_id = @roomId AND seq > @after ORDER BY seq LIMIT @limit'
          : `SELECT * FROM (SELECT * FROM messages WHERE room_id = @roomId
             ${range.before !== undefined ? 'AND seq < @before' : ''}
             ORDER BY seq DESC LIMIT @limit) ORDER BY seq`;
      return this.db
        .prepare<[PageParams], MessageRow>(sql)
        .all({ roomId, limit: range.limit, before: range.before, after: range.after })
        .map(toMessage);
    });
  }

  deleteRoom(roomId: string): Promise<void> {
    return settle(() => {
      this.db.prepare('DELETE FROM messages WHERE room_id = ?').run(roomId);
    });
  }

  ping(): Promise<void> {
    return settle(() => {
      this.db.prepare('SELECT 1').get();
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
  };
}
