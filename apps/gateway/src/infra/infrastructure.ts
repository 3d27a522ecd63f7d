import { connectS3AttachmentStore, connectScaled } from '@chat/adapters';
import {
  DiskAttachmentStore,
  openEmbeddedAdapters,
  type AttachmentRecords,
  type AttachmentStore,
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
  attachmentRecords: AttachmentRecords;
  attachmentStore: AttachmentStore;
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
  const core = config.scaled
    ? createScaledInfrastructure(config.scaled, logger)
    : createEmbeddedInfrastructure(config);
  const files = createAttachmentStore(config.attachments.store);
  return {
    ...core,
    attachmentStore: files.store,
    checks: [...core.checks, { name: 'attachments', ping: () => files.store.ping() }],
    async provision() {
      await core.provision();
      await files.provision();
    },
    async close() {
      await core.close();
      await files.store.close();
      files.close();
    },
  };
}

type CoreInfrastructure = Omit<Infrastructure, 'attachmentStore'>;

function createScaledInfrastructure(
  env: NonNullable<AppConfig['scaled']>,
  logger: Logger,
): CoreInfrastructure {
  const scaled = connectScaled(env, (err) => logger.error({ err }, 'scaled dependency error'));
  return { mode: 'scaled', ...scaled };
}

/** Embedded mode: one SQLite file in the data folder for everything, presence in memory. */
function createEmbeddedInfrastructure(config: AppConfig): CoreInfrastructure {
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

/** The attachment store the configuration names: files in the data folder, or S3. */
function createAttachmentStore(store: AppConfig['attachments']['store']) {
  switch (store.driver) {
    case 'disk':
      return {
        store: new DiskAttachmentStore(store.dir),
        provision: () => Promise.resolve(),
        close: () => undefined,
      };
    case 's3':
      return connectS3AttachmentStore(store);
  }
}
