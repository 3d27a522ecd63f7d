import { connectScaled } from '@chat/adapters';
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
import type { Cluster, Redis } from 'ioredis';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';

export const INFRASTRUCTURE = Symbol('INFRASTRUCTURE');

export interface DependencyCheck {
  name: string;
  ping: () => Promise<void>;
}

/** The adapters behind every port, chosen once from the configuration. */
export interface Infrastructure {
  /** embedded: everything in this process; scaled: Redis, DynamoDB, search, sinks elsewhere. */
  mode: 'embedded' | 'scaled';
  log: EventLog;
  messages: MessageStore;
  rooms: RoomStore;
  users: UserStore;
  search: SearchIndex;
  presence: PresenceStore;
  /** The shared Redis connection in scaled mode (fan-out, rate limits). */
  redis?: Redis | Cluster;
  /** Dependencies `/ready` pings. */
  checks: DependencyCheck[];
  /** Creates missing tables and indexes (idempotent). */
  provision(): Promise<void>;
  close(): Promise<void>;
}

/** Chooses the adapters: scaled when `REDIS_URL` is set, embedded otherwise. */
export function createInfrastructure(config: AppConfig, logger: Logger): Infrastructure {
  if (!config.scaled) return createEmbeddedInfrastructure(config);
  const scaled = connectScaled(config.scaled, (err) =>
    logger.error({ err }, 'scaled dependency error'),
  );
  return { mode: 'scaled', ...scaled };
}

/** Embedded mode: one SQLite file in the data folder for everything, presence in memory. */
function createEmbeddedInfrastructure(config: AppConfig): Infrastructure {
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
    provision: () => Promise.resolve(),
    async close() {
      for (const adapter of [presence, search, users, rooms, messages, log]) await adapter.close();
      db.close();
    },
  };
}
