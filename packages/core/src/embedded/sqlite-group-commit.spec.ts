import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteGroupCommit } from './sqlite-group-commit.js';
import { openTempDatabase, type TempDatabase } from './temp-database.js';

describe(SqliteGroupCommit.name, () => {
  let temp: TempDatabase;
  let committedBatches: number[];
  let sut: SqliteGroupCommit<string, number>;

  beforeEach(() => {
    temp = openTempDatabase();
    temp.db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT NOT NULL)');
    committedBatches = [];
    const insert = temp.db.prepare('INSERT INTO notes (text) VALUES (?)');
    sut = new SqliteGroupCommit(
      temp.db,
      (text: string) => {
        const id = Number(insert.run(text).lastInsertRowid);
        if (text.startsWith('bad')) throw new Error(`refused ${text}`);
        return id;
      },
      (results) => committedBatches.push(results.length),
    );
  });

  afterEach(() => temp.remove());

  const texts = () =>
    temp.db.prepare<[], { text: string }>('SELECT text FROM notes ORDER BY id').all();

  it('commits writes submitted together in one transaction', async () => {
    const ids = await Promise.all(['a', 'b', 'c'].map((t) => sut.submit(t)));
    expect(ids).toHaveLength(3);
    expect(committedBatches).toEqual([3]);
    expect(texts().map((r) => r.text)).toEqual(['a', 'b', 'c']);
  });

  it('fails only the write that throws and leaves no trace of it', async () => {
    const results = await Promise.allSettled(['a', 'bad-1', 'c'].map((t) => sut.submit(t)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(texts().map((r) => r.text)).toEqual(['a', 'c']);
  });

  it('starts a new batch for writes submitted after a flush', async () => {
    await sut.submit('first');
    await sut.submit('second');
    expect(committedBatches).toEqual([1, 1]);
  });
});
