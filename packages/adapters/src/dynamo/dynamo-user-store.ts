import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UserStore, type UserRecord } from '@chat/core';
import {
  N,
  S,
  batchGetAll,
  isConditionFailed,
  optStr,
  queryAll,
  sendBatchGet,
  str,
  type BackoffOptions,
  type Item,
} from './dynamo-batch.js';
import { USER_DIRECTORY_PARTITION, tableNames } from './tables.js';

export interface DynamoUserStoreOptions {
  /** Table name prefix, as given to `ensureTables`. Default `chat-`. */
  prefix?: string;
  retry?: BackoffOptions;
  /** Most name-prefix matches `list` considers before ordering by id. Default 1000. */
  maxNameMatches?: number;
}

/** Lower-cases for prefix matching in any script, as the embedded store does. */
const searchKey = (value: string): string => value.normalize('NFC').toLowerCase();

const toRecord = (item: Item): UserRecord => {
  const claimExpiresAt = optStr(item, 'claimExpiresAt');
  return {
    id: str(item, 'id'),
    name: str(item, 'name'),
    createdAt: str(item, 'createdAt'),
    ...(claimExpiresAt !== undefined && { claimExpiresAt }),
  };
};

const byId = (a: UserRecord, b: UserRecord): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The user directory on DynamoDB, one item per user id.
 *
 * `claim` is one conditional UpdateItem (free = no item, never claimed, or `claimUntil` ≤ now),
 * so of concurrent claims exactly one wins; a re-claim keeps `createdAt` and takes the new
 * display name. Prefix search uses two GSIs on a constant partition (`dir`), sorted by the
 * lower-cased id and name: sign-ups are far below one partition's write limit, and the
 * directory is read only when inviting. GSIs are eventually consistent, so a user who signed
 * in a moment ago may be missing from `list` (never from `get`). The caller owns `client`.
 */
export class DynamoUserStore extends UserStore {
  private readonly table: string;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: DynamoUserStoreOptions = {},
  ) {
    super();
    this.table = tableNames(options.prefix ?? 'chat-').users;
  }

  async claim(
    user: { id: string; name: string },
    now: string,
    expiresAt: string,
  ): Promise<boolean> {
    try {
      await this.upsert(user, now, {
        set: 'claimExpiresAt = :e, claimUntil = :until',
        values: {
          ':e': S(expiresAt),
          ':until': N(Date.parse(expiresAt)),
          ':nowMs': N(Date.parse(now)),
        },
        condition:
          'attribute_not_exists(id) OR attribute_not_exists(claimUntil) OR claimUntil <= :nowMs',
      });
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  /** Records the user, or refreshes the display name of an existing one. */
  async touch(user: { id: string; name: string }, now: string): Promise<void> {
    await this.upsert(user, now, {});
  }

  private async upsert(
    user: { id: string; name: string },
    now: string,
    extra: { set?: string; values?: Item; condition?: string },
  ): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: { id: S(user.id) },
        UpdateExpression:
          'SET #name = :name, nameKey = :nameKey, idKey = :idKey, dir = :dir, ' +
          `createdAt = if_not_exists(createdAt, :now)${extra.set ? `, ${extra.set}` : ''}`,
        ...(extra.condition !== undefined && { ConditionExpression: extra.condition }),
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: {
          ':name': S(user.name),
          ':nameKey': S(searchKey(user.name)),
          ':idKey': S(searchKey(user.id)),
          ':dir': S(USER_DIRECTORY_PARTITION),
          ':now': S(now),
          ...extra.values,
        },
      }),
    );
  }

  /** The known users among `ids`, ordered by id; unknown ids are left out. */
  async get(ids: readonly string[]): Promise<UserRecord[]> {
    const keys = [...new Set(ids)].map((id) => ({ id: S(id) }));
    const items = await batchGetAll(
      sendBatchGet(this.client),
      this.table,
      keys,
      this.options.retry,
    );
    return items.map(toRecord).sort(byId);
  }

  /** Users whose id or name starts with `query` (case-insensitive), ordered by id. */
  async list(query: string, limit: number): Promise<UserRecord[]> {
    if (limit <= 0) return [];
    const prefix = searchKey(query);
    const lookup = (index: 'byId' | 'byName', key: string, max: number) =>
      queryAll(
        this.client,
        {
          TableName: this.table,
          IndexName: index,
          KeyConditionExpression:
            prefix === '' ? 'dir = :dir' : `dir = :dir AND begins_with(${key}, :prefix)`,
          ExpressionAttributeValues: {
            ':dir': S(USER_DIRECTORY_PARTITION),
            ...(prefix !== '' && { ':prefix': S(prefix) }),
          },
        },
        max,
      );
    const [ids, names] = await Promise.all([
      lookup('byId', 'idKey', limit),
      prefix === ''
        ? Promise.resolve([])
        : lookup('byName', 'nameKey', this.options.maxNameMatches ?? 1000),
    ]);
    const users = new Map([...ids, ...names].map((item) => [str(item, 'id'), toRecord(item)]));
    return [...users.values()].sort(byId).slice(0, limit);
  }

  /** Nothing to release: the caller owns the client. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
