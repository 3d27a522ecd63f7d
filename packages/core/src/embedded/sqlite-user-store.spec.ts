import { afterEach, describe, expect, it } from 'vitest';
import { describeUserStoreConformance } from '../conformance/index.js';
import { SqliteUserStore } from './sqlite-user-store.js';
import { openTempDatabase, tempFactory, type TempDatabase } from './temp-database.js';

describeUserStoreConformance(
  SqliteUserStore.name,
  tempFactory((db) => new SqliteUserStore(db)),
);

describe('SqliteUserStore on a database written before guest_names', () => {
  let temp: TempDatabase | undefined;
  afterEach(() => temp?.remove());

  it('keeps each guest’s claim on their name', async () => {
    temp = openTempDatabase();
    temp.db.exec(`CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL,
      created_at TEXT NOT NULL, claim_expires_at TEXT, id_key TEXT NOT NULL,
      name_key TEXT NOT NULL)`);
    const now = new Date().toISOString();
    const held = new Date(Date.now() + 3_600_000).toISOString();
    temp.db
      .prepare('INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)')
      .run('alice', 'Alice', now, held, 'alice', 'alice');
    const sut = new SqliteUserStore(temp.db);
    const claim = {
      key: 'alice',
      id: 'alice',
      name: 'ALICE',
      now,
      expiresAt: held,
      freshId: 'alice~1',
    };
    expect(await sut.claimName(claim)).toBeUndefined();
    expect(await sut.claimName({ ...claim, holderId: 'alice' })).toBe('alice');
    expect(await sut.get(['alice'])).toEqual([{ id: 'alice', name: 'ALICE', createdAt: now }]);
  });
});
