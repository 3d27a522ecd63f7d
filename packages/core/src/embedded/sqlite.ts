import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';

/**
 * better-sqlite3 is loaded on the first `openDatabase`: a scaled gateway or a sink worker,
 * which import this package but keep nothing in SQLite, never load the native module.
 */
let loaded: typeof Database | undefined;
const sqlite = (): typeof Database =>
  (loaded ??= createRequire(import.meta.url)('better-sqlite3') as typeof Database);

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
 * - foreign keys enforced.
 *
 * Adapters compile their SQL through {@link statementsOf}, which compiles each text once.
 * Each adapter creates its own tables in its constructor. The caller owns the connection:
 * adapters never close it, so close it after closing every adapter built on it.
 */
export function openDatabase(path: string): SqliteDatabase {
  const Sqlite = sqlite();
  const db = new Sqlite(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * Compiles each SQL text once per connection. better-sqlite3 compiles a statement on every
 * `db.prepare` call, which was the embedded server's hottest cost; the adapters ask this cache
 * instead, wherever they use a statement. No adapter changes a statement's modes (`pluck`,
 * `raw`, …) or iterates one, so a cached statement is safe to share between them.
 */
export class StatementCache {
  /** More distinct SQL texts than all the adapters have; beyond this, statements are not kept. */
  static readonly MAX = 512;

  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: SqliteDatabase) {}

  prepare<Params extends unknown[] | object = unknown[], Row = unknown>(
    sql: string,
  ): Database.Statement<Params, Row> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.statements.size < StatementCache.MAX) this.statements.set(sql, statement);
    }
    return statement as Database.Statement<Params, Row>;
  }
}

const caches = new WeakMap<SqliteDatabase, StatementCache>();

/** The statement cache of `db`, shared by every adapter on that connection. */
export function statementsOf(db: SqliteDatabase): StatementCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new StatementCache(db);
    caches.set(db, cache);
  }
  return cache;
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
