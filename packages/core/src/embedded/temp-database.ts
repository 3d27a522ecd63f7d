import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type SqliteDatabase } from './sqlite.js';

/** A database file in a fresh temporary folder, for tests; `remove` deletes the folder. */
export interface TempDatabase {
  path: string;
  db: SqliteDatabase;
  /** Closes the connection (if still open) and deletes the folder with the file. */
  remove: () => void;
}

export function openTempDatabase(): TempDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'chat-core-'));
  const path = join(dir, 'chat.db');
  const db = openDatabase(path);
  return {
    path,
    db,
    remove: () => {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A conformance factory for an adapter built on its own temporary database file. */
export const tempFactory =
  <T extends { close(): Promise<void> }>(build: (db: SqliteDatabase) => T) =>
  (): Promise<{ sut: T; cleanup: () => Promise<void> }> => {
    const temp = openTempDatabase();
    const sut = build(temp.db);
    return Promise.resolve({
      sut,
      cleanup: async () => {
        await sut.close();
        temp.remove();
      },
    });
  };
