import type { SqliteDatabase } from './sqlite.js';

type Outcome<O> = { ok: true; result: O } | { ok: false; error: unknown };

interface Queued<I, O> {
  input: I;
  resolve: (result: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite writes: every write submitted in the same turn of the event loop
 * shares one `BEGIN IMMEDIATE` transaction, so one fsync (with `synchronous=FULL`) covers them
 * all. Each write runs in its own savepoint: a failing one leaves no trace and fails alone.
 * A promise resolves only after the transaction holding its write has committed.
 */
export class SqliteGroupCommit<I, O> {
  private queue: Queued<I, O>[] = [];
  private readonly writeOne: (input: I) => O;

  constructor(
    private readonly db: SqliteDatabase,
    write: (input: I) => O,
    private readonly onCommitted: (results: readonly O[]) => void = () => undefined,
  ) {
    this.writeOne = db.transaction(write);
  }

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    let outcomes: Outcome<O>[];
    try {
      outcomes = this.db
        .transaction(() => batch.map(({ input }) => this.attempt(input)))
        .immediate();
    } catch (error) {
      // The commit itself failed (disk full, lock timeout): nothing of the batch is durable.
      for (const { reject } of batch) reject(error);
      return;
    }
    batch.forEach(({ resolve, reject }, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) resolve(outcome.result);
      else reject(outcome?.error ?? new Error('write lost from its batch'));
    });
    this.onCommitted(outcomes.flatMap((o) => (o.ok ? [o.result] : [])));
  }

  private attempt(input: I): Outcome<O> {
    try {
      return { ok: true, result: this.writeOne(input) };
    } catch (error) {
      return { ok: false, error };
    }
  }
}
