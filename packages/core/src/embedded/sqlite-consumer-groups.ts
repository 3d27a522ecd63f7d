import { ConsumerGroups, type GroupStats, type LogEntry } from '../ports/consumer-groups.port.js';
import { waitForAppend } from './sqlite-append-signal.js';
import {
  jsonList,
  settle,
  statementsOf,
  type SqliteDatabase,
  type StatementCache,
} from './sqlite.js';

export interface SqliteConsumerGroupsOptions {
  /** Clock in ms, for pending idle times and dedupe expiry. */
  now: () => number;
  /** How often a blocked `read` looks for appends made by other processes (ms). */
  pollMs: number;
  /** How long the log remembers a `clientMsgId` at least (ms); `trim` drops older ones. */
  dedupeTtlMs: number;
}

interface EntryRow {
  entry_id: number;
  raw: string;
}
interface PendingRow extends EntryRow {
  deliveries: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS log_groups (name TEXT PRIMARY KEY, last_delivered INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS log_pending (
  group_name TEXT NOT NULL,
  entry_id INTEGER NOT NULL,
  consumer TEXT NOT NULL,
  deliveries INTEGER NOT NULL,
  delivered_at INTEGER NOT NULL,
  PRIMARY KEY (group_name, entry_id)
);
CREATE INDEX IF NOT EXISTS log_pending_entry ON log_pending (entry_id);
CREATE TABLE IF NOT EXISTS log_dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  group_name TEXT NOT NULL,
  entry_id INTEGER NOT NULL,
  raw TEXT NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS log_dead_letters_group ON log_dead_letters (group_name);
`;

/**
 * Consumer groups over `SqliteEventLog`'s `log_entries` table (built by the log, which owns
 * the tables it reads): a group's position is the last entry id delivered to it; delivered
 * entries stay in `log_pending` until acked. Every write is one `BEGIN IMMEDIATE`
 * transaction, so two processes never deliver the same entry to one group twice (except by
 * `claim`). All state lives in the database, none only in memory.
 */
export class SqliteConsumerGroups extends ConsumerGroups {
  private readonly closing = new AbortController();

  private readonly statements: StatementCache;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly options: SqliteConsumerGroupsOptions,
  ) {
    super();
    this.statements = statementsOf(db);
    db.exec(SCHEMA);
  }

  ensureGroup(group: string): Promise<void> {
    return settle(() => {
      this.statements
        .prepare('INSERT OR IGNORE INTO log_groups (name, last_delivered) VALUES (?, 0)')
        .run(group);
    });
  }

  /** Delivers new entries; when there are none, waits for an append (this process) or polls. */
  async read(group: string, consumer: string, count: number, blockMs: number): Promise<LogEntry[]> {
    // Real time, not the injectable clock: a frozen test clock must not block forever.
    const deadline = Date.now() + blockMs;
    for (;;) {
      const entries = await settle(() => this.deliver(group, consumer, count));
      const remaining = deadline - Date.now();
      if (entries.length > 0 || remaining <= 0 || this.closing.signal.aborted) return entries;
      await waitForAppend(
        this.db.name,
        Math.min(this.options.pollMs, remaining),
        this.closing.signal,
      );
    }
  }

  /** Pending entries idle at least `minIdleMs`, moved to `consumer` with one more delivery. */
  claim(group: string, consumer: string, minIdleMs: number, count: number): Promise<LogEntry[]> {
    return settle(() => this.claimNow(group, consumer, minIdleMs, count));
  }

  ack(group: string, entryIds: readonly string[]): Promise<void> {
    return settle(() => this.ackNow(group, entryIds));
  }

  deadLetter(group: string, entry: LogEntry, reason: string): Promise<void> {
    return settle(() => this.deadLetterNow(group, entry, reason));
  }

  stats(group: string): Promise<GroupStats> {
    return settle(() => this.statsNow(group));
  }

  /**
   * Deletes every entry at or below the position all groups have acknowledged and pending
   * nowhere (no group: nothing); also drops expired dedupe keys and spent forgotten-room marks
   * of the log.
   */
  trim(): Promise<number> {
    return settle(() =>
      this.db
        .transaction(() => {
          this.statements
            .prepare('DELETE FROM log_dedupe WHERE created_at < ?')
            .run(this.options.now() - this.options.dedupeTtlMs);
          const { changes } = this.statements
            .prepare(
              `DELETE FROM log_entries WHERE entry_id <= ?
               AND entry_id NOT IN (SELECT entry_id FROM log_pending)`,
            )
            .run(this.ackedFloor());
          this.statements
            .prepare(
              `DELETE FROM log_forgotten_rooms WHERE NOT EXISTS (SELECT 1 FROM log_entries e
               WHERE e.room_id = log_forgotten_rooms.room_id AND e.entry_id <= up_to_entry)`,
            )
            .run();
          return changes;
        })
        .immediate(),
    );
  }

  /** Wakes blocked readers (they return what they have). The shared database stays open. */
  close(): Promise<void> {
    this.closing.abort();
    return Promise.resolve();
  }

  /** Up to `count` entries after the group's position, recorded as pending for `consumer`. */
  private deliver(group: string, consumer: string, count: number): LogEntry[] {
    // A plain read first, so idle pollers never take the write lock.
    if (this.position(group, { newOnly: true }) === undefined) return [];
    return this.db
      .transaction(() => {
        const position = this.position(group, { newOnly: false }) ?? 0;
        const rows = this.statements
          .prepare<[number, number], EntryRow>(
            'SELECT entry_id, raw FROM log_entries WHERE entry_id > ? ORDER BY entry_id LIMIT ?',
          )
          .all(position, count);
        const last = rows.at(-1);
        if (!last) return [];
        const pend = this.statements.prepare(
          `INSERT OR REPLACE INTO log_pending
           (group_name, entry_id, consumer, deliveries, delivered_at) VALUES (?, ?, ?, 1, ?)`,
        );
        const now = this.options.now();
        for (const row of rows) pend.run(group, row.entry_id, consumer, now);
        this.statements
          .prepare('UPDATE log_groups SET last_delivered = ? WHERE name = ?')
          .run(last.entry_id, group);
        return rows.map((r) => toEntry(r, 1));
      })
      .immediate();
  }

  private claimNow(group: string, consumer: string, minIdleMs: number, count: number): LogEntry[] {
    return this.db
      .transaction(() => {
        const now = this.options.now();
        const rows = this.statements
          .prepare<[string, number, number], PendingRow>(
            `SELECT p.entry_id, e.raw, p.deliveries FROM log_pending p
             JOIN log_entries e ON e.entry_id = p.entry_id
             WHERE p.group_name = ? AND p.delivered_at <= ? ORDER BY p.entry_id LIMIT ?`,
          )
          .all(group, now - minIdleMs, count);
        const update = this.statements.prepare(
          `UPDATE log_pending SET consumer = ?, deliveries = deliveries + 1, delivered_at = ?
           WHERE group_name = ? AND entry_id = ?`,
        );
        for (const row of rows) update.run(consumer, now, group, row.entry_id);
        return rows.map((r) => toEntry(r, r.deliveries + 1));
      })
      .immediate();
  }

  private ackNow(group: string, entryIds: readonly string[]): void {
    this.statements
      .prepare(
        `DELETE FROM log_pending WHERE group_name = ?
         AND entry_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))`,
      )
      .run(group, jsonList(entryIds));
  }

  private deadLetterNow(group: string, entry: LogEntry, reason: string): void {
    this.db
      .transaction(() => {
        const entryId = Number(entry.entryId);
        this.statements
          .prepare(
            `INSERT INTO log_dead_letters (group_name, entry_id, raw, reason, at)
             VALUES (?, ?, ?, ?, ?)`,
          )
          .run(group, entryId, entry.raw, reason, this.options.now());
        this.ackNow(group, [entry.entryId]);
      })
      .immediate();
  }

  private statsNow(group: string): GroupStats {
    return this.db.transaction(() => {
      const count = (sql: string): number =>
        this.statements.prepare<[string], { n: number }>(sql).get(group)?.n ?? 0;
      return {
        lag: count(`SELECT COUNT(*) AS n FROM log_entries WHERE entry_id >
          COALESCE((SELECT last_delivered FROM log_groups WHERE name = ?), 0)`),
        pending: count('SELECT COUNT(*) AS n FROM log_pending WHERE group_name = ?'),
        deadLetters: count('SELECT COUNT(*) AS n FROM log_dead_letters WHERE group_name = ?'),
      };
    })();
  }

  /**
   * The highest entry id every group has acknowledged along with everything before it: per
   * group, just below its oldest pending entry, else its position; the minimum over groups.
   * 0 when there is no group, so nothing is ever trimmed from under a group created later.
   */
  private ackedFloor(): number {
    const row = this.statements
      .prepare<[], { floor: number | null }>(
        `SELECT MIN(COALESCE(
           (SELECT MIN(p.entry_id) - 1 FROM log_pending p WHERE p.group_name = g.name),
           g.last_delivered)) AS floor
         FROM log_groups g`,
      )
      .get();
    return Math.max(0, row?.floor ?? 0);
  }

  /** The group's position; with `newOnly`, undefined also when no entry lies beyond it. */
  private position(group: string, { newOnly }: { newOnly: boolean }): number | undefined {
    const row = this.statements
      .prepare<[string], { last_delivered: number; has_new: number }>(
        `SELECT last_delivered,
           EXISTS (SELECT 1 FROM log_entries WHERE entry_id > g.last_delivered) AS has_new
         FROM log_groups g WHERE g.name = ?`,
      )
      .get(group);
    if (!row) throw new Error(`consumer group ${group} does not exist`);
    return newOnly && row.has_new === 0 ? undefined : row.last_delivered;
  }
}

function toEntry(row: EntryRow, deliveries: number): LogEntry {
  return { entryId: String(row.entry_id), raw: row.raw, deliveries };
}
