import { connectScaled } from '@chat/adapters';
import {
  openEmbeddedAdapters,
  type ConsumerGroups,
  type DependencyCheck,
  type EventLog,
  type MessageStore,
  type PresenceStore,
  type RoomStore,
  type SearchIndex,
  type SessionStore,
  type UserStore,
} from '@chat/core';
import type { Cluster, Redis } from 'ioredis';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';

export const INFRASTRUCTURE = Symbol('INFRASTRUCTURE');

/** The adapters behind every port, chosen once from the configuration. */
export interface Infrastructure {
  /** embedded: everything in this process; scaled: Redis, DynamoDB, search, sinks elsewhere. */
  mode: 'embedded' | 'scaled';
  log: EventLog;
  /** The consumer groups the sinks read the log through (embedded mode runs them here). */
  groups: ConsumerGroups;
  messages: MessageStore;
  rooms: RoomStore;
  users: UserStore;
  sessions: SessionStore;
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
  const { db: _db, ...adapters } = openEmbeddedAdapters(path.join(config.dataDir, 'chat.db'), {
    synchronous: config.sqliteSynchronous,
  });
  return {
    mode: 'embedded',
    ...adapters,
    checks: [{ name: 'sqlite', ping: () => adapters.log.ping() }],
    provision: () => Promise.resolve(),
  };
}
