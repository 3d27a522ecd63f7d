import {
  MemoryPresenceStore,
  openDatabase,
  SqliteEventLog,
  SqliteMessageStore,
  SqliteRoomStore,
  SqliteSearchIndex,
  SqliteUserStore,
  type EventLog,
  type MessageStore,
  type PresenceStore,
  type RoomStore,
  type SearchIndex,
  type UserStore,
} from '@chat/core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/config.js';

export const INFRASTRUCTURE = Symbol('INFRASTRUCTURE');

export interface DependencyCheck {
  name: string;
  ping: () => Promise<void>;
}

/** The adapters behind every port, chosen once from the configuration. */
export interface Infrastructure {
  mode: 'embedded';
  log: EventLog;
  messages: MessageStore;
  rooms: RoomStore;
  users: UserStore;
  search: SearchIndex;
  presence: PresenceStore;
  /** Dependencies `/ready` pings. */
  checks: DependencyCheck[];
  close(): Promise<void>;
}

/** Embedded mode: one SQLite file in the data folder for everything, presence in memory. */
export function createEmbeddedInfrastructure(config: AppConfig): Infrastructure {
  mkdirSync(config.dataDir, { recursive: true });
  const db = openDatabase(path.join(config.dataDir, 'chat.db'));
  if (config.sqliteSynchronous !== 'FULL') db.pragma(`synchronous = ${config.sqliteSynchronous}`);
  const log = new SqliteEventLog(db);
  const messages = new SqliteMessageStore(db);
  const rooms = new SqliteRoomStore(db);
  const users = new SqliteUserStore(db);
  const search = new SqliteSearchIndex(db);
  const presence = new MemoryPresenceStore();
  return {
    mode: 'embedded',
    log,
    messages,
    rooms,
    users,
    search,
    presence,
    checks: [{ name: 'sqlite', ping: () => log.ping() }],
    async close() {
      for (const adapter of [presence, search, users, rooms, messages, log]) await adapter.close();
      db.close();
    },
  };
}
