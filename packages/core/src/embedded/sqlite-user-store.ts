import {
  ACCOUNT_CLAIM_EXPIRY,
  UserStore,
  type Credentials,
  type NameClaim,
  type UserRecord,
} from '../ports/user-store.port.js';
import {
  addMissingColumns,
  jsonList,
  settle,
  statementsOf,
  type SqliteDatabase,
  type StatementCache,
} from './sqlite.js';

interface UserRow {
  id: string;
  name: string;
  display_name: string | null;
  avatar_id: string | null;
  created_at: string;
}

interface NameRow {
  user_id: string;
  expires_at: string;
  password_hash: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  id_key TEXT NOT NULL,
  name_key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS guest_names (
  name_key TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
`;

/** Databases written before `guest_names` kept each guest's claim on their user row. */
const migrateClaims = (db: SqliteDatabase): void => {
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(users)').all();
  if (!columns.some((c) => c.name === 'claim_expires_at')) return;
  db.transaction(() => {
    db.exec(`INSERT OR IGNORE INTO guest_names (name_key, user_id, expires_at)
             SELECT id_key, id, claim_expires_at FROM users WHERE claim_expires_at IS NOT NULL`);
    db.exec('ALTER TABLE users DROP COLUMN claim_expires_at');
  })();
};

/** Columns added after the first release: password hashes, display names, avatars. */
const addColumns = (db: SqliteDatabase): void => {
  addMissingColumns(db, 'guest_names', ['password_hash TEXT']);
  addMissingColumns(db, 'users', ['display_name TEXT', 'avatar_id TEXT']);
};

/** Lower-cases for prefix matching in any script (SQLite's own LIKE folds ASCII only). */
const searchKey = (value: string): string => value.normalize('NFC').toLowerCase();

/**
 * The embedded user directory. `claim` is a check-and-set inside one `BEGIN IMMEDIATE`
 * transaction, so of concurrent claims (in this or another process) exactly one wins.
 */
export class SqliteUserStore extends UserStore {
  private readonly statements: StatementCache;

  constructor(private readonly db: SqliteDatabase) {
    super();
    this.statements = statementsOf(db);
    db.exec(SCHEMA);
    migrateClaims(db);
    addColumns(db);
  }

  /** One `BEGIN IMMEDIATE` transaction: read the name's holder, then extend or hand it over. */
  claimName(claim: NameClaim): Promise<string | undefined> {
    return settle(() =>
      this.db
        .transaction(() => {
          const held = this.statements
            .prepare<[string], NameRow>('SELECT * FROM guest_names WHERE name_key = ?')
            .get(claim.key);
          const current = held && Date.parse(held.expires_at) > Date.parse(claim.now);
          let userId: string;
          if (held?.password_hash) {
            return undefined;
          } else if (current && held.user_id === claim.holderId) {
            userId = held.user_id;
          } else if (current) {
            return undefined;
          } else {
            const idTaken = this.statements
              .prepare('SELECT 1 FROM users WHERE id = ?')
              .get(claim.id);
            userId = idTaken ? claim.freshId : claim.id;
          }
          this.statements
            .prepare(
              `INSERT INTO guest_names (name_key, user_id, expires_at, password_hash)
               VALUES (?, ?, ?, ?)
               ON CONFLICT (name_key) DO UPDATE SET user_id = excluded.user_id,
                 expires_at = excluded.expires_at, password_hash = excluded.password_hash`,
            )
            .run(
              claim.key,
              userId,
              claim.passwordHash ? ACCOUNT_CLAIM_EXPIRY : claim.expiresAt,
              claim.passwordHash ?? null,
            );
          this.upsert({ id: userId, name: claim.name }, claim.now);
          return userId;
        })
        .immediate(),
    );
  }

  credentials(key: string): Promise<Credentials | undefined> {
    return settle(() => {
      const held = this.statements
        .prepare<[string], NameRow>('SELECT * FROM guest_names WHERE name_key = ?')
        .get(key);
      return held?.password_hash
        ? { userId: held.user_id, passwordHash: held.password_hash }
        : undefined;
    });
  }

  releaseName(key: string, holderId: string, now: string): Promise<void> {
    return settle(() => {
      this.statements
        .prepare(
          `UPDATE guest_names SET expires_at = ? WHERE name_key = ? AND user_id = ?
             AND password_hash IS NULL`,
        )
        .run(now, key, holderId);
    });
  }

  setDisplayName(id: string, displayName: string): Promise<UserRecord | undefined> {
    return settle(() => {
      const row = this.statements
        .prepare<[string, string], UserRow>(
          'UPDATE users SET display_name = ? WHERE id = ? RETURNING *',
        )
        .get(displayName, id);
      return row && toRecord(row);
    });
  }

  /** One transaction: read the avatar id being replaced, then write the new one. */
  setAvatar(
    id: string,
    avatarId: string | null,
  ): Promise<{ user: UserRecord; previous?: string } | undefined> {
    return settle(() =>
      this.db
        .transaction(() => {
          const before = this.statements
            .prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?')
            .get(id);
          if (!before) return undefined;
          const row = this.statements
            .prepare<[string | null, string], UserRow>(
              'UPDATE users SET avatar_id = ? WHERE id = ? RETURNING *',
            )
            .get(avatarId, id);
          if (!row) return undefined;
          return {
            user: toRecord(row),
            ...(before.avatar_id !== null && { previous: before.avatar_id }),
          };
        })
        .immediate(),
    );
  }

  /** Records the user, or refreshes the sign-in name of an existing one. */
  touch(user: { id: string; name: string }, now: string): Promise<void> {
    return settle(() => this.upsert(user, now));
  }

  private upsert(user: { id: string; name: string }, now: string): void {
    this.statements
      .prepare(
        `INSERT INTO users (id, name, created_at, id_key, name_key) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key`,
      )
      .run(user.id, user.name, now, searchKey(user.id), searchKey(user.name));
  }

  /** The known users among `ids`, ordered by id; unknown ids are left out. */
  get(ids: readonly string[]): Promise<UserRecord[]> {
    return settle(() =>
      this.statements
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
      return this.statements
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
    ...(row.display_name !== null && { displayName: row.display_name }),
    ...(row.avatar_id !== null && { avatarId: row.avatar_id }),
    createdAt: row.created_at,
  };
}
