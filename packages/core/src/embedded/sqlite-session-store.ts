import { SessionStore, type SessionRecord } from '../ports/session-store.port.js';
import { settle, statementsOf, type SqliteDatabase, type StatementCache } from './sqlite.js';

interface SessionRow {
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  user_agent: string | null;
  revoked_at: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  user_agent TEXT,
  revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id, created_at);
`;

/** The embedded session store: one row per session in the shared SQLite file. */
export class SqliteSessionStore extends SessionStore {
  private readonly statements: StatementCache;

  constructor(private readonly db: SqliteDatabase) {
    super();
    this.statements = statementsOf(db);
    db.exec(SCHEMA);
  }

  save(session: SessionRecord): Promise<void> {
    return settle(() => {
      this.statements
        .prepare(
          `INSERT INTO sessions (id, user_id, created_at, expires_at, user_agent, revoked_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at
           WHERE sessions.revoked_at IS NULL AND sessions.user_id = excluded.user_id`,
        )
        .run(
          session.id,
          session.userId,
          session.createdAt,
          session.expiresAt,
          session.userAgent ?? null,
          session.revokedAt ?? null,
        );
    });
  }

  get(id: string): Promise<SessionRecord | undefined> {
    return settle(() => {
      const row = this.statements
        .prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?')
        .get(id);
      return row && toRecord(row);
    });
  }

  list(userId: string, now: string): Promise<SessionRecord[]> {
    return settle(() =>
      this.statements
        .prepare<[string], SessionRow>(
          `SELECT * FROM sessions WHERE user_id = ? AND revoked_at IS NULL
           ORDER BY created_at DESC, id`,
        )
        .all(userId)
        .filter((row) => Date.parse(row.expires_at) > Date.parse(now))
        .map(toRecord),
    );
  }

  revoke(userId: string, id: string, now: string): Promise<boolean> {
    return settle(
      () =>
        this.statements
          .prepare(
            'UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL',
          )
          .run(now, id, userId).changes === 1,
    );
  }

  /** Nothing to release: the shared database is closed by whoever opened it. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function toRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ...(row.user_agent !== null && { userAgent: row.user_agent }),
    ...(row.revoked_at !== null && { revokedAt: row.revoked_at }),
  };
}
