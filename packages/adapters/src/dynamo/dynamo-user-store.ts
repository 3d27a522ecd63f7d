import {
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  ACCOUNT_CLAIM_EXPIRY,
  UserStore,
  type Credentials,
  type NameClaim,
  type UserRecord,
} from '@chat/core';
import {
  N,
  S,
  batchGetAll,
  isConditionFailed,
  num,
  optStr,
  queryAll,
  sendBatchGet,
  str,
  type BackoffOptions,
  type Item,
} from './dynamo-batch.js';
import {
  USER_DIRECTORY_SHARDS,
  tableNames,
  userDirectoryShard,
  userDirectoryShards,
} from './tables.js';

export interface DynamoUserStoreOptions {
  /** Table name prefix, as given to `ensureTables`. Default `chat-`. */
  prefix?: string;
  retry?: BackoffOptions;
  /**
   * Most name-prefix matches `list` considers before ordering by id, split evenly over the
   * directory shards. Default 1000.
   */
  maxNameMatches?: number;
}

/** Lower-cases for prefix matching in any script, as the embedded store does. */
const searchKey = (value: string): string => value.normalize('NFC').toLowerCase();

/**
 * A name's claim is an item of the users table keyed `#name#<key>` (an account's also holds
 * its `passwordHash`): no user id starts with `#` (guest ids are names or `<name>~<hex>`), and
 * it has no `dir`, so no index sees it. Sessions live beside them under `#session…` keys.
 */
const NAME_ITEM = '#name#';

const toRecord = (item: Item): UserRecord => {
  const displayName = optStr(item, 'displayName');
  const avatarId = optStr(item, 'avatarId');
  return {
    id: str(item, 'id'),
    name: str(item, 'name'),
    ...(displayName !== undefined && { displayName }),
    ...(avatarId !== undefined && { avatarId }),
    createdAt: str(item, 'createdAt'),
  };
};

/** Who holds a name until when, from its claim item or, before those existed, the user item. */
interface Holder {
  userId: string;
  until: number;
}

const byId = (a: UserRecord, b: UserRecord): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The user directory on DynamoDB, one item per user id.
 *
 * `claimName` reads the name's claim item, then writes it with a condition on what it read
 * (absent, or the same holder and expiry), so of concurrent claims exactly one wins; only the
 * winner then writes the user item. Prefix search uses two GSIs sorted by the lower-cased id
 * and name, partitioned by `dir`, one of `USER_DIRECTORY_SHARDS` shards chosen by a hash of
 * the id (no one partition key takes every sign-up); `list` queries every shard and merges by
 * id. GSIs are eventually consistent, so a user who signed in a moment ago may be missing
 * from `list` (never from `get`). The caller owns `client`.
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

  async claimName(claim: NameClaim): Promise<string | undefined> {
    const nowMs = Date.parse(claim.now);
    const named = await this.read(`${NAME_ITEM}${claim.key}`);
    // An account's name is held for good.
    if (named?.['passwordHash']) return undefined;
    let held: Holder | undefined = named && {
      userId: str(named, 'holder'),
      until: num(named, 'claimUntil'),
    };
    // The user whose id is the name, read once: it decides the new holder's id and, written
    // before claim items, it held the claim itself.
    let idUser: Item | undefined;
    if (held === undefined || held.until <= nowMs) {
      idUser = await this.read(claim.id);
      if (held === undefined && idUser?.['claimUntil']) {
        held = { userId: claim.id, until: num(idUser, 'claimUntil') };
      }
    }
    const current = held !== undefined && held.until > nowMs;
    if (current && held?.userId !== claim.holderId) return undefined;
    const userId = current && held ? held.userId : idUser ? claim.freshId : claim.id;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            id: S(`${NAME_ITEM}${claim.key}`),
            holder: S(userId),
            claimUntil: N(Date.parse(claim.passwordHash ? ACCOUNT_CLAIM_EXPIRY : claim.expiresAt)),
            ...(claim.passwordHash !== undefined && { passwordHash: S(claim.passwordHash) }),
          },
          ...(held === undefined
            ? { ConditionExpression: 'attribute_not_exists(id)' }
            : {
                ConditionExpression:
                  '(attribute_not_exists(id) OR (holder = :holder AND claimUntil = :until))',
                ExpressionAttributeValues: { ':holder': S(held.userId), ':until': N(held.until) },
              }),
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) return undefined;
      throw error;
    }
    await this.upsert({ id: userId, name: claim.name }, claim.now);
    return userId;
  }

  private async read(id: string): Promise<Item | undefined> {
    const { Item: item } = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: { id: S(id) }, ConsistentRead: true }),
    );
    return item;
  }

  async credentials(key: string): Promise<Credentials | undefined> {
    const named = await this.read(`${NAME_ITEM}${key}`);
    const passwordHash = named && optStr(named, 'passwordHash');
    return named && passwordHash ? { userId: str(named, 'holder'), passwordHash } : undefined;
  }

  async releaseName(key: string, holderId: string, now: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { id: S(`${NAME_ITEM}${key}`) },
          UpdateExpression: 'SET claimUntil = :now',
          ConditionExpression:
            'holder = :holder AND claimUntil > :now AND attribute_not_exists(passwordHash)',
          ExpressionAttributeValues: { ':holder': S(holderId), ':now': N(Date.parse(now)) },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  async setDisplayName(id: string, displayName: string): Promise<UserRecord | undefined> {
    if (id.startsWith('#')) return undefined;
    try {
      const { Attributes: item } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { id: S(id) },
          UpdateExpression: 'SET displayName = :displayName',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: { ':displayName': S(displayName) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return item && toRecord(item);
    } catch (error) {
      if (isConditionFailed(error)) return undefined;
      throw error;
    }
  }

  /** One conditional update that returns the item as it was: the replaced id comes with it. */
  async setAvatar(
    id: string,
    avatarId: string | null,
  ): Promise<{ user: UserRecord; previous?: string } | undefined> {
    if (id.startsWith('#')) return undefined;
    try {
      const { Attributes: old } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { id: S(id) },
          ConditionExpression: 'attribute_exists(id)',
          ...(avatarId === null
            ? { UpdateExpression: 'REMOVE avatarId' }
            : {
                UpdateExpression: 'SET avatarId = :avatarId',
                ExpressionAttributeValues: { ':avatarId': S(avatarId) },
              }),
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (!old) return undefined;
      const { avatarId: previous, ...rest } = toRecord(old);
      return {
        user: { ...rest, ...(avatarId !== null && { avatarId }) },
        ...(previous !== undefined && { previous }),
      };
    } catch (error) {
      if (isConditionFailed(error)) return undefined;
      throw error;
    }
  }

  /** Records the user, or refreshes the sign-in name of an existing one. */
  async touch(user: { id: string; name: string }, now: string): Promise<void> {
    await this.upsert(user, now);
  }

  private async upsert(user: { id: string; name: string }, now: string): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: { id: S(user.id) },
        UpdateExpression:
          'SET #name = :name, nameKey = :nameKey, idKey = :idKey, dir = :dir, ' +
          'createdAt = if_not_exists(createdAt, :now)',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: {
          ':name': S(user.name),
          ':nameKey': S(searchKey(user.name)),
          ':idKey': S(searchKey(user.id)),
          ':dir': S(userDirectoryShard(user.id)),
          ':now': S(now),
        },
      }),
    );
  }

  /** The known users among `ids`, ordered by id; unknown ids are left out. */
  async get(ids: readonly string[]): Promise<UserRecord[]> {
    const keys = [...new Set(ids)].filter((id) => !id.startsWith('#')).map((id) => ({ id: S(id) }));
    const items = await batchGetAll(
      sendBatchGet(this.client),
      this.table,
      keys,
      this.options.retry,
    );
    return items.map(toRecord).sort(byId);
  }

  /**
   * Users whose id or name starts with `query` (case-insensitive), ordered by id: every shard
   * answers its first `limit` id matches and its share of `maxNameMatches` name matches, and
   * the union is ordered by id and cut to `limit`. The shards' first `limit` by lower-cased id
   * include the overall first `limit`, so the cut loses nothing one partition would have
   * returned.
   */
  async list(query: string, limit: number): Promise<UserRecord[]> {
    if (limit <= 0) return [];
    const prefix = searchKey(query);
    const lookup = (dir: string, index: 'byId' | 'byName', key: string, max: number) =>
      queryAll(
        this.client,
        {
          TableName: this.table,
          IndexName: index,
          KeyConditionExpression:
            prefix === '' ? 'dir = :dir' : `dir = :dir AND begins_with(${key}, :prefix)`,
          ExpressionAttributeValues: {
            ':dir': S(dir),
            ...(prefix !== '' && { ':prefix': S(prefix) }),
          },
        },
        max,
      );
    const perShardNames = Math.ceil((this.options.maxNameMatches ?? 1000) / USER_DIRECTORY_SHARDS);
    const pages = await Promise.all(
      userDirectoryShards().flatMap((dir) => [
        lookup(dir, 'byId', 'idKey', limit),
        ...(prefix === '' ? [] : [lookup(dir, 'byName', 'nameKey', perShardNames)]),
      ]),
    );
    const users = new Map(pages.flat().map((item) => [str(item, 'id'), toRecord(item)]));
    return [...users.values()].sort(byId).slice(0, limit);
  }

  /** Nothing to release: the caller owns the client. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
