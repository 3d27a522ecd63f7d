import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  openDatabase,
  SqliteSearchIndex,
  type DependencyCheck,
  type SearchIndex,
} from '@chat/core';
import { Client as ElasticsearchClient } from '@elastic/elasticsearch';
import { Cluster, Redis } from 'ioredis';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DynamoAttachmentRecords } from './dynamo/dynamo-attachment-records.js';
import { DynamoMessageStore } from './dynamo/dynamo-message-store.js';
import { DynamoRoomStore } from './dynamo/dynamo-room-store.js';
import { DynamoUserStore } from './dynamo/dynamo-user-store.js';
import { DynamoSessionStore } from './dynamo/dynamo-session-store.js';
import { ensureTables } from './dynamo/tables.js';
import { ElasticsearchSearchIndex } from './elasticsearch/elasticsearch-search-index.js';
import { RedisCachedRoomStore } from './redis/redis-cached-room-store.js';
import { RedisPresenceStore } from './redis/redis-presence-store.js';
import { RedisStreamsEventLog } from './redis/redis-streams-event-log.js';
import type { StreamConsumerGroups } from './redis/stream-consumer-groups.js';

/**
 * Environment of the scaled drivers, shared by the gateway and the sink workers. Each app
 * merges it into its own config; a driver's variables are required only when it is chosen.
 */
export const ScaledEnvSchema = z.object({
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  /** REDIS_URL is one node of a Redis Cluster. */
  REDIS_CLUSTER: z.stringbool().default(false),
  REDIS_KEY_PREFIX: z.string().min(1).default('chat'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().min(1).optional(),
  DYNAMODB_TABLE_PREFIX: z.string().min(1).default('chat-'),
  /** Used as given; without them a local endpoint gets dummy credentials, AWS the SDK's chain. */
  AWS_ACCESS_KEY_ID: z.string().optional(),
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
  ELASTICSEARCH_URL: z.url().optional(),
  ELASTICSEARCH_API_KEY: z.string().optional(),
  ELASTICSEARCH_USERNAME: z.string().optional(),
  ELASTICSEARCH_PASSWORD: z.string().optional(),
  ELASTICSEARCH_INDEX_PREFIX: z.string().min(1).default('chat'),
  /** Where no Elasticsearch is reachable: a SQLite search index on a path the processes share. */
  SEARCH_SQLITE_PATH: z.string().min(1).optional(),
});
export type ScaledEnv = z.infer<typeof ScaledEnvSchema>;

/** Problems across variables, reported with every other configuration problem. */
export function scaledEnvProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (!env['DYNAMODB_ENDPOINT'] && !env['AWS_REGION']) {
    problems.push('DYNAMODB_ENDPOINT or AWS_REGION: the scaled mode stores history in DynamoDB');
  }
  if (!env['ELASTICSEARCH_URL'] && !env['SEARCH_SQLITE_PATH']) {
    problems.push('ELASTICSEARCH_URL or SEARCH_SQLITE_PATH: the scaled mode needs a search index');
  }
  return problems;
}

export interface ScaledConnections {
  redis: Redis | Cluster;
  dynamo: DynamoDBClient;
  log: RedisStreamsEventLog;
  /** The consumer groups the sinks read the log through. */
  groups: StreamConsumerGroups;
  messages: DynamoMessageStore;
  rooms: RedisCachedRoomStore;
  users: DynamoUserStore;
  sessions: DynamoSessionStore;
  search: SearchIndex;
  presence: RedisPresenceStore;
  attachmentRecords: DynamoAttachmentRecords;
  /** Dependencies readiness pings, by name. */
  checks: DependencyCheck[];
  /** Creates the DynamoDB tables and the search index if missing (idempotent). */
  provision(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The Redis connection every scaled adapter shares. While Redis is unreachable, commands wait
 * in the offline queue (`maxRetriesPerRequest: null`) and go out once it is back. A command that
 * was already sent when the connection dropped is sent again after the reconnect (ioredis's
 * default): Redis may have run it and lost only the reply, so every command we send must be
 * safe to run twice — the message append recognises its own message id (`APPEND_MESSAGE`).
 */
export function connectRedis(env: Pick<ScaledEnv, 'REDIS_URL' | 'REDIS_CLUSTER'>): Redis | Cluster {
  const options = { maxRetriesPerRequest: null };
  if (!env.REDIS_CLUSTER) return new Redis(env.REDIS_URL, options);
  // ioredis applies a seed URL's credentials and TLS to the seed only; the nodes it discovers
  // get `redisOptions`, so the URL's go there too (else they answer NOAUTH).
  const url = new URL(env.REDIS_URL);
  return new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], {
    redisOptions: {
      ...options,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  });
}

/** Connects every scaled adapter; nothing is created until `provision` is called. */
export function connectScaled(
  env: ScaledEnv,
  onError: (error: unknown) => void,
): ScaledConnections {
  const redis = connectRedis(env);
  redis.on('error', onError);
  const dynamo = new DynamoDBClient({
    region: env.AWS_REGION ?? 'us-east-1',
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
    ...credentials(env),
  });
  const prefix = env.DYNAMODB_TABLE_PREFIX;
  const log = new RedisStreamsEventLog(redis, { prefix: env.REDIS_KEY_PREFIX });
  const presence = new RedisPresenceStore(redis, { prefix: env.REDIS_KEY_PREFIX, onError });
  const messages = new DynamoMessageStore(dynamo, { prefix });
  // Every message checks membership: a Redis cache in front of the store of record pays.
  const rooms = new RedisCachedRoomStore(redis, new DynamoRoomStore(dynamo, { prefix }), {
    prefix: env.REDIS_KEY_PREFIX,
  });
  const users = new DynamoUserStore(dynamo, { prefix });
  const attachmentRecords = new DynamoAttachmentRecords(dynamo, { prefix });
  const sessions = new DynamoSessionStore(dynamo, { prefix });
  const search = connectSearch(env);
  return {
    redis,
    dynamo,
    log,
    groups: log.groups,
    messages,
    rooms,
    users,
    sessions,
    search: search.index,
    presence,
    attachmentRecords,
    checks: [
      { name: 'redis', ping: () => log.ping() },
      { name: 'dynamodb', ping: () => messages.ping() },
      { name: 'search', ping: () => search.index.ping() },
    ],
    async provision() {
      await ensureTables(dynamo, prefix);
      await search.provision();
    },
    async close() {
      for (const adapter of [
        log.groups,
        presence,
        search.index,
        users,
        sessions,
        rooms,
        messages,
        attachmentRecords,
        log,
      ])
        await adapter.close();
      await search.close();
      dynamo.destroy();
      redis.disconnect();
    },
  };
}

function connectSearch(env: ScaledEnv) {
  if (env.ELASTICSEARCH_URL) {
    const client = new ElasticsearchClient({
      node: env.ELASTICSEARCH_URL,
      ...(env.ELASTICSEARCH_API_KEY ? { auth: { apiKey: env.ELASTICSEARCH_API_KEY } } : {}),
      ...(env.ELASTICSEARCH_USERNAME && env.ELASTICSEARCH_PASSWORD
        ? { auth: { username: env.ELASTICSEARCH_USERNAME, password: env.ELASTICSEARCH_PASSWORD } }
        : {}),
    });
    const index = new ElasticsearchSearchIndex(client, { prefix: env.ELASTICSEARCH_INDEX_PREFIX });
    return { index, provision: () => index.ensureIndex(), close: () => client.close() };
  }
  const file = env.SEARCH_SQLITE_PATH ?? '';
  mkdirSync(path.dirname(file), { recursive: true });
  const db = openDatabase(file);
  return {
    index: new SqliteSearchIndex(db),
    provision: () => Promise.resolve(),
    close: () => Promise.resolve(db.close()),
  };
}

/** DynamoDB Local and dynalite accept any credentials, but the SDK still wants some. */
function credentials(env: ScaledEnv) {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return {
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      },
    };
  }
  return env.DYNAMODB_ENDPOINT
    ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {};
}
