import Database from 'better-sqlite3';

/** A better-sqlite3 connection, as every embedded adapter takes it. */
export type SqliteDatabase = Database.Database;

/** How long a statement waits for another process's write lock before failing (ms). */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if missing) the embedded database every SQLite adapter shares.
 *
 * - WAL journal, so readers never block the writer and several processes can share the file;
 * - `synchronous=FULL`: a committed transaction is fsynced before the call returns, so an
 *   append acknowledged to a client survives a process or host crash;
 * - `busy_timeout`: a writer waits up to {@link SQLITE_BUSY_TIMEOUT_MS} for another process;
 * - foreign keys enforced;
 * - `prepare` compiles each SQL text once: the adapters call `db.prepare(sql)` where they use
 *   a statement, and better-sqlite3 would otherwise compile it on every call (the embedded
 *   server's hottest cost). No adapter changes a statement's modes (`pluck`, `raw`, …) or
 *   iterates one, so a cached statement is safe to share.
 *
 * Each adapter creates its own tables in its constructor. The caller owns the connection:
 * adapters never close it, so close it after closing every adapter built on it.
 */
export function openDatabase(path: string): SqliteDatabase {
  const db = new Database(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
  cacheStatements(db);
  return db;
}

/** More distinct SQL texts than any adapter has; beyond this, statements are not cached. */
const STATEMENT_CACHE_MAX = 512;

function cacheStatements(db: SqliteDatabase): void {
  const compile = db.prepare.bind(db);
  const statements = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = compile(sql);
      if (statements.size < STATEMENT_CACHE_MAX) statements.set(sql, statement);
    }
    return statement;
  }) as SqliteDatabase['prepare'];
}

/**
 * Runs synchronous database work as a promise: a thrown error becomes a rejection instead of
 * escaping synchronously from a method whose callers expect a promise.
 */
export function settle<T>(work: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(work()));
}

/**
 * Adds the columns of `definitions` (`name TYPE …`, as `ALTER TABLE ADD COLUMN` takes them)
 * that `table` does not have yet: how an adapter brings a table from an earlier release up to
 * date. `table` and the definitions are the adapter's own text, never input.
 */
export function addMissingColumns(
  db: SqliteDatabase,
  table: string,
  definitions: readonly string[],
): void {
  const present = new Set(
    db
      .prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)')
      .all(table)
      .map((c) => c.name),
  );
  for (const definition of definitions) {
    const name = definition.split(' ')[0] ?? '';
    if (!present.has(name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${definition}`);
  }
}

/** Binds a list as one parameter, for `IN (SELECT value FROM json_each(?))`. */
export function jsonList(values: readonly (string | number)[]): string {
  return JSON.stringify(values);
}
