import { ChatError } from '@chat/contracts';
import { AttachmentRecords, type AttachmentRecord } from '../ports/attachment-records.port.js';
import {
  jsonList,
  settle,
  statementsOf,
  type SqliteDatabase,
  type StatementCache,
} from './sqlite.js';

interface AttachmentRow {
  id: string;
  room_id: string;
  uploader_id: string;
  name: string;
  type: string;
  size: number;
  width: number | null;
  height: number | null;
  blob_key: string;
  thumbnail_key: string | null;
  created_at: string;
  message_id: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS attachments (
  id TEXT PRIMARY KEY,
  room_id TEXT NOT NULL,
  uploader_id TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  size INTEGER NOT NULL,
  width INTEGER,
  height INTEGER,
  blob_key TEXT NOT NULL,
  thumbnail_key TEXT,
  created_at TEXT NOT NULL,
  message_id TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS attachments_by_room ON attachments (room_id);
CREATE INDEX IF NOT EXISTS attachments_by_message ON attachments (message_id)
  WHERE message_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS attachments_orphans ON attachments (created_at)
  WHERE message_id IS NULL;
CREATE INDEX IF NOT EXISTS attachments_by_blob ON attachments (blob_key);
CREATE INDEX IF NOT EXISTS attachments_by_thumbnail ON attachments (thumbnail_key)
  WHERE thumbnail_key IS NOT NULL;
`;

const COLUMNS = `id, room_id, uploader_id, name, type, size, width, height, blob_key, thumbnail_key,
  created_at, message_id`;

/** The embedded attachment records: one SQLite table, indexed for each question it answers. */
export class SqliteAttachmentRecords extends AttachmentRecords {
  private readonly statements: StatementCache;

  constructor(private readonly db: SqliteDatabase) {
    super();
    this.statements = statementsOf(db);
    db.exec(SCHEMA);
  }

  insert(r: AttachmentRecord): Promise<void> {
    return settle(() => {
      const inserted = this.statements
        .prepare(
          `INSERT OR IGNORE INTO attachments (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          r.id,
          r.roomId,
          r.uploaderId,
          r.name,
          r.type,
          r.size,
          r.width ?? null,
          r.height ?? null,
          r.blobKey,
          r.thumbnailKey ?? null,
          r.createdAt,
          r.messageId,
        );
      if (inserted.changes === 0) throw new ChatError('CONFLICT', `attachment ${r.id} exists`);
    });
  }

  async get(id: string): Promise<AttachmentRecord | undefined> {
    return (await this.getMany([id]))[0];
  }

  getMany(ids: readonly string[]): Promise<AttachmentRecord[]> {
    return this.select(`id IN (SELECT value FROM json_each(?))`, jsonList(ids));
  }

  attach(
    ids: readonly string[],
    owner: { roomId: string; uploaderId: string; messageId: string },
  ): Promise<boolean> {
    return settle(() =>
      this.db.transaction(() => {
        const unique = [...new Set(ids)];
        const { n } = this.statements
          .prepare(
            `SELECT count(*) AS n FROM attachments
             WHERE id IN (SELECT value FROM json_each(?)) AND room_id = ? AND uploader_id = ?
               AND (message_id IS NULL OR message_id = ?)`,
          )
          .get(jsonList(unique), owner.roomId, owner.uploaderId, owner.messageId) as {
          n: number;
        };
        if (n !== unique.length) return false;
        this.statements
          .prepare(
            `UPDATE attachments SET message_id = ? WHERE id IN (SELECT value FROM json_each(?))`,
          )
          .run(owner.messageId, jsonList(unique));
        return true;
      })(),
    );
  }

  ofRoom(roomId: string): Promise<AttachmentRecord[]> {
    return this.select('room_id = ? ORDER BY created_at, id', roomId);
  }

  ofMessage(messageId: string): Promise<AttachmentRecord[]> {
    return this.select('message_id = ? ORDER BY created_at, id', messageId);
  }

  orphans(createdBefore: string, limit: number): Promise<AttachmentRecord[]> {
    return this.select(
      'message_id IS NULL AND created_at < ? ORDER BY created_at, id LIMIT ?',
      createdBefore,
      limit,
    );
  }

  referenced(keys: readonly string[]): Promise<Set<string>> {
    return settle(() => {
      const rows = this.statements
        .prepare(
          `SELECT value AS key FROM json_each(?) WHERE EXISTS
             (SELECT 1 FROM attachments WHERE blob_key = value OR thumbnail_key = value)`,
        )
        .all(jsonList(keys)) as { key: string }[];
      return new Set(rows.map((row) => row.key));
    });
  }

  delete(ids: readonly string[]): Promise<void> {
    return settle(() => {
      this.statements
        .prepare(`DELETE FROM attachments WHERE id IN (SELECT value FROM json_each(?))`)
        .run(jsonList(ids));
    });
  }

  ping(): Promise<void> {
    return settle(() => {
      this.statements.prepare('SELECT 1 FROM attachments LIMIT 1').get();
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private select(where: string, ...params: unknown[]): Promise<AttachmentRecord[]> {
    return settle(() =>
      (
        this.statements
          .prepare(`SELECT ${COLUMNS} FROM attachments WHERE ${where}`)
          .all(...params) as AttachmentRow[]
      ).map(toRecord),
    );
  }
}

const toRecord = (row: AttachmentRow): AttachmentRecord => ({
  id: row.id,
  roomId: row.room_id,
  uploaderId: row.uploader_id,
  name: row.name,
  type: row.type,
  size: row.size,
  ...(row.width !== null && { width: row.width }),
  ...(row.height !== null && { height: row.height }),
  blobKey: row.blob_key,
  ...(row.thumbnail_key !== null && { thumbnailKey: row.thumbnail_key }),
  createdAt: row.created_at,
  messageId: row.message_id,
});
