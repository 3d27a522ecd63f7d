import {
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { SessionStore, type SessionRecord } from '@chat/core';
import {
  S,
  batchGetAll,
  isConditionFailed,
  optStr,
  sendBatchGet,
  str,
  type BackoffOptions,
  type Item,
} from './dynamo-batch.js';
import { tableNames } from './tables.js';

export interface DynamoSessionStoreOptions {
  /** Table name prefix, as given to `ensureTables`. Default `chat-`. */
  prefix?: string;
  retry?: BackoffOptions;
}

/** A session's item, and the item listing one user's session ids; no user id starts with `#`. */
const SESSION_ITEM = '#session#';
const USER_SESSIONS_ITEM = '#sessions#';

const toRecord = (item: Item): SessionRecord => {
  const userAgent = optStr(item, 'userAgent');
  const revokedAt = optStr(item, 'revokedAt');
  return {
    id: str(item, 'id').slice(SESSION_ITEM.length),
    userId: str(item, 'userId'),
    createdAt: str(item, 'createdAt'),
    expiresAt: str(item, 'expiresAt'),
    ...(userAgent !== undefined && { userAgent }),
    ...(revokedAt !== undefined && { revokedAt }),
  };
};

const stringSet = (values: string[]): AttributeValue => ({ SS: values });

/**
 * Sessions on DynamoDB, in the users table: one item per session (read with a consistent
 * `GetItem`, so a revocation is seen at once by every replica) and, per user, one item with
 * the set of their session ids, which `list` reads and prunes of ended sessions. Writes are
 * conditional, so a renewal never revives a revoked session. The caller owns `client`.
 */
export class DynamoSessionStore extends SessionStore {
  private readonly table: string;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: DynamoSessionStoreOptions = {},
  ) {
    super();
    this.table = tableNames(options.prefix ?? 'chat-').users;
  }

  async save(session: SessionRecord): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { id: S(`${SESSION_ITEM}${session.id}`) },
          UpdateExpression:
            'SET userId = :userId, expiresAt = :expiresAt, ' +
            'createdAt = if_not_exists(createdAt, :createdAt)' +
            (session.userAgent !== undefined ? ', userAgent = :userAgent' : ''),
          ConditionExpression:
            'attribute_not_exists(id) OR (userId = :userId AND attribute_not_exists(revokedAt))',
          ExpressionAttributeValues: {
            ':userId': S(session.userId),
            ':expiresAt': S(session.expiresAt),
            ':createdAt': S(session.createdAt),
            ...(session.userAgent !== undefined && { ':userAgent': S(session.userAgent) }),
          },
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) return;
      throw error;
    }
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: { id: S(`${USER_SESSIONS_ITEM}${session.userId}`) },
        UpdateExpression: 'ADD ids :ids',
        ExpressionAttributeValues: { ':ids': stringSet([session.id]) },
      }),
    );
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const item = await this.read(`${SESSION_ITEM}${id}`);
    return item && toRecord(item);
  }

  async list(userId: string, now: string): Promise<SessionRecord[]> {
    const ids = (await this.read(`${USER_SESSIONS_ITEM}${userId}`))?.['ids']?.SS ?? [];
    const items = await batchGetAll(
      sendBatchGet(this.client),
      this.table,
      ids.map((id) => ({ id: S(`${SESSION_ITEM}${id}`) })),
      this.options.retry,
    );
    const sessions = items.map(toRecord);
    const live = (s: SessionRecord) =>
      s.revokedAt === undefined && Date.parse(s.expiresAt) > Date.parse(now);
    const ended = ids.filter((id) => !sessions.some((s) => s.id === id && live(s)));
    if (ended.length > 0) await this.forget(userId, ended);
    return sessions
      .filter((s) => live(s) && s.userId === userId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
  }

  async revoke(userId: string, id: string, now: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { id: S(`${SESSION_ITEM}${id}`) },
          UpdateExpression: 'SET revokedAt = :now',
          ConditionExpression: 'userId = :userId AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':userId': S(userId), ':now': S(now) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  /** Nothing to release: the caller owns the client. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Drops ended sessions from the user's list; their items stay, so tokens stay refused. */
  private async forget(userId: string, ids: string[]): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: { id: S(`${USER_SESSIONS_ITEM}${userId}`) },
        UpdateExpression: 'DELETE ids :ids',
        ExpressionAttributeValues: { ':ids': stringSet(ids) },
      }),
    );
  }

  private async read(id: string): Promise<Item | undefined> {
    const { Item: item } = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: { id: S(id) }, ConsistentRead: true }),
    );
    return item;
  }
}
