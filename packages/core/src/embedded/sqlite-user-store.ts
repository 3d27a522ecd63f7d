import { UserStore, type UserRecord } from '../ports/user-store.port.js';
import { jsonList, settle, type SqliteDatabase } from './sqlite.js';

interface UserRow {
  id: string;
  name: string;
  created_at: string;
  claim_expires_at: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  claim_expires_at TEXT,
  id_key TEXT NOT NULL,
  name_key TEXT NOT NULL
);
`;

/** Lower-cases for prefix matching in any script (SQLite's own LIKE folds ASCII only). */
const searchKey = (value: string): string => value.normalize('NFC').toLowerCase();

/**
 * The embedded user directory. `claim` is a check-and-set inside one `BEGIN IMMEDIATE`
 * transaction, so of concurrent claims (in this or another process) exactly one wins.
 */
export class SqliteUserStore extends UserStore {
  constructor(private readonly db: SqliteDatabase) {
    super();
    db.exec(SCHEMA);
  }

  /**
   * Claims the name when it is new, was never claimed (e.g. seen only through JWT) or its claim
   * expired at `now`. A re-claim keeps the first `createdAt` and takes the new display name.
   */
  claim(user: { id: string; name: string }, now: string, expiresAt: string): Promise<boolean> {
    return settle(() =>
      this.db
        .transaction(() => {
          const row = this.db
            .prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?')
            .get(user.id);
          if (!row) {
            this.db
              .prepare(
                `INSERT INTO users (id, name, created_at, claim_expires_at, id_key, name_key)
                 VALUES (?, ?, ?, ?, ?, ?)`,
              )
              .run(user.id, user.name, now, expiresAt, searchKey(user.id), searchKey(user.name));
            return true;
          }
          const held =
            row.claim_expires_at !== null && Date.parse(row.claim_expires_at) > Date.parse(now);
          if (held) return false;
          this.db
            .prepare('UPDATE users SET name = ?, name_key = ?, claim_expires_at = ? WHERE id = ?')
            .run(user.name, searchKey(user.name), expiresAt, user.id);
          return true;
        })
        .immediate(),
    );
  }

  /** Records the user, or refreshes the display name of an existing one. */
  touch(user: { id: string; name: string }, now: string): Promise<void> {
    return settle(() => {
      this.db
        .prepare(
          `INSERT INTO users (id, name, created_at, claim_expires_at, id_key, name_key)
           VALUES (?, ?, ?, NULL, ?, ?)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key`,
        )
        .run(user.id, user.name, now, searchKey(user.id), searchKey(user.name));
    });
  }

  /** The known users among `ids`, ordered by id; unknown ids are left out. */
  get(ids: readonly string[]): Promise<UserRecord[]> {
    return settle(() =>
      this.db
        .prepare<[string], UserRow>(
          'SELECT * FROM users WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id',
        )
        .all(jsonList(ids))
        .map(toRecord),
    );
  }

  list(query: string, limit: number): Promise<UserRecord[]> {
    return settle(() => {
      const prefix = searchKey(query);
      // instr(x, p) = 1 is "x starts with p" without LIKE's wildcards to escape.
      return this.db
        .prepare<[string, string, number], UserRow>(
          `SELECT * FROM users WHERE instr(id_key, ?) = 1 OR instr(name_key, ?) = 1
           ORDER BY id LIMIT ?`,
        )
        .all(prefix, prefix, limit)
        .map(toRecord);
    });
  }

  /** Nothing to release: the shared database is closed by whoever opened it. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    ...(row.claim_expires_at !== null && { claimExpiresAt: row.claim_expires_at }),
  };
}
