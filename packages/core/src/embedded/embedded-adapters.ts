import { MemoryPresenceStore } from './memory-presence-store.js';
import type { SqliteConsumerGroups } from './sqlite-consumer-groups.js';
import { SqliteAttachmentRecords } from './sqlite-attachment-records.js';
import { SqliteEventLog } from './sqlite-event-log.js';
import { SqliteMessageStore } from './sqlite-message-store.js';
import { SqliteRoomStore } from './sqlite-room-store.js';
import { SqliteSearchIndex } from './sqlite-search-index.js';
import { SqliteSessionStore } from './sqlite-session-store.js';
import { SqliteUserStore } from './sqlite-user-store.js';
import { openDatabase, type SqliteDatabase } from './sqlite.js';

/** The embedded adapter of every port, on one SQLite file. */
export interface EmbeddedAdapters {
  db: SqliteDatabase;
  log: SqliteEventLog;
  /** The consumer groups the sinks read the log through. */
  groups: SqliteConsumerGroups;
  messages: SqliteMessageStore;
  rooms: SqliteRoomStore;
  users: SqliteUserStore;
  sessions: SqliteSessionStore;
  search: SqliteSearchIndex;
  attachmentRecords: SqliteAttachmentRecords;
  presence: MemoryPresenceStore;
  /** Closes every adapter, then the database. */
  close(): Promise<void>;
}

/**
 * Opens the database at `file` (WAL, `synchronous=FULL` unless `NORMAL` is asked for) and
 * builds every embedded adapter on it; presence lives in memory.
 */
export function openEmbeddedAdapters(
  file: string,
  options: { synchronous?: 'FULL' | 'NORMAL' } = {},
): EmbeddedAdapters {
  const db = openDatabase(file);
  if (options.synchronous === 'NORMAL') db.pragma('synchronous = NORMAL');
  const log = new SqliteEventLog(db);
  const adapters = {
    log,
    groups: log.groups,
    messages: new SqliteMessageStore(db),
    rooms: new SqliteRoomStore(db),
    users: new SqliteUserStore(db),
    sessions: new SqliteSessionStore(db),
    search: new SqliteSearchIndex(db),
    attachmentRecords: new SqliteAttachmentRecords(db),
    presence: new MemoryPresenceStore(),
  };
  return {
    db,
    ...adapters,
    async close() {
      const { groups, presence, search, users, sessions, rooms, messages, attachmentRecords } =
        adapters;
      for (const adapter of [
        groups,
        presence,
        search,
        users,
        sessions,
        rooms,
        messages,
        attachmentRecords,
        log,
      ]) {
        await adapter.close();
      }
      db.close();
    },
  };
}
