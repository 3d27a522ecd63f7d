export * from './config-error.js';
export * from './run-service.js';
export * from './backoff.js';
export { LuaScript, type RedisClient } from './redis/lua-script.js';
export * from './redis/stream-log-layout.js';
export * from './redis/redis-streams-event-log.js';
export type { DeadLetter } from './redis/stream-consumer-groups.js';
export * from './redis/redis-presence-store.js';
export * from './dynamo/tables.js';
export {
  batchGetAll,
  batchWriteAll,
  type SendBatchGet,
  type SendBatchWrite,
} from './dynamo/dynamo-batch.js';
export * from './dynamo/dynamo-message-store.js';
export * from './dynamo/dynamo-room-store.js';
export * from './dynamo/dynamo-user-store.js';
export * from './dynamo/dynamo-session-store.js';
export * from './elasticsearch/elasticsearch-search-index.js';
export * from './scaled.js';
export * from './redis/redis-cached-room-store.js';
export * from './dynamo/dynamo-attachment-records.js';
export * from './s3/s3-client.js';
export * from './s3/s3-attachment-store.js';
export * from './s3/s3-env.js';
