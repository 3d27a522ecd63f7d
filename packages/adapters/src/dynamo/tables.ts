import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/**
 * The DynamoDB table design, in one place for the code and for infra (`infra/dynamodb/` and
 * `ensureTables`). Why each key is what it is: `docs/dynamodb-tables.md`.
 */

/** Messages per partition key: `roomId#floor(seq / 100)`. A page (≤ 100) spans ≤ 2 buckets. */
export const MESSAGE_BUCKET_SIZE = 100;

/**
 * Shards of the user directory indexes (`byId`, `byName`): a user's `dir` is
 * `user#<hash(id) mod 8>`, so sign-ups and the index writes of every sign-in spread over 8
 * partition keys, and a directory query reads all 8 and merges them.
 */
export const USER_DIRECTORY_SHARDS = 8;

/** The `dir` of every user before the directory was sharded (`migrateTables` moves them). */
export const LEGACY_USER_DIRECTORY_PARTITION = 'user';

/** FNV-1a over the UTF-16 code units: stable across processes and versions, and cheap. */
const fnv1a = (value: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash;
};

/** The directory shard (`dir`) of a user id; it never changes for an id. */
export const userDirectoryShard = (userId: string): string =>
  `user#${fnv1a(userId) % USER_DIRECTORY_SHARDS}`;

/** Every directory shard, in order. */
export const userDirectoryShards = (): string[] =>
  Array.from({ length: USER_DIRECTORY_SHARDS }, (_, n) => `user#${n}`);

export interface TableNames {
  /** pk `roomId#bucket`, sk `seq`; plus one head item per room at pk `roomId#head`, sk 0. */
  messages: string;
  /** pk `roomId`: name, owner, createdAt, `joins` (join numbers handed out), `version`. */
  rooms: string;
  /** pk `userId`, sk `roomId`: the rooms a user belongs to (read by `roomsOf`). */
  userRooms: string;
  /**
   * pk `userId`, sk `roomId`: read pointer `seq`. Keyed by user so a big room's reads spread
   * over its readers' keys.
   */
  readPointers: string;
  /**
   * pk `roomId`, sk `userId`: one item per member, `joined` its join number (join order); and
   * under pk `roomId#left` who left the room (whose pointers deleting it must remove).
   */
  roomMembers: string;
  /**
   * pk `id`; GSIs `byId` / `byName` on (`dir`, idKey / nameKey) for prefix search, `dir` one
   * of `USER_DIRECTORY_SHARDS` shards.
   */
  users: string;
  /**
   * pk `id`: one item per upload; sparse GSIs by room, message, orphans (`orphan`, createdAt)
   * and blob keys (`ATTACHMENT_INDEXES`).
   */
  attachments: string;
}

/** The value of `orphan` on every unattached upload: the orphans index's one partition. */
export const ORPHAN_PARTITION = 'orphan';

/** The secondary indexes of the attachments table. */
export const ATTACHMENT_INDEXES = {
  byRoom: 'byRoom',
  byMessage: 'byMessage',
  orphans: 'orphans',
  byBlob: 'byBlob',
  byThumbnail: 'byThumbnail',
} as const;

export const tableNames = (prefix: string): TableNames => ({
  messages: `${prefix}messages`,
  rooms: `${prefix}rooms`,
  userRooms: `${prefix}user-rooms`,
  readPointers: `${prefix}user-read-pointers`,
  roomMembers: `${prefix}room-members`,
  users: `${prefix}users`,
  attachments: `${prefix}attachments`,
});

/**
 * Tables of an earlier layout, no longer created: `migrateTables` moves their data into the
 * current tables, after which they can be deleted.
 */
export const legacyTableNames = (prefix: string) => ({
  /** pk `roomId`, sk `userId`: read pointers keyed by room (now `readPointers`, by user). */
  readPointersByRoom: `${prefix}read-pointers`,
});

/** The `room-members` partition of the users who left a room. */
export const roomLeaversKey = (roomId: string): string => `${roomId}#left`;

export const messageBucketKey = (roomId: string, seq: number): string =>
  `${roomId}#${Math.floor(seq / MESSAGE_BUCKET_SIZE)}`;

export const messageHeadKey = (roomId: string): string => `${roomId}#head`;

const keyed = (
  TableName: string,
  hash: string,
  range?: { name: string; type: 'S' | 'N' },
): CreateTableCommandInput => ({
  TableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: hash, AttributeType: 'S' },
    ...(range ? [{ AttributeName: range.name, AttributeType: range.type }] : []),
  ],
  KeySchema: [
    { AttributeName: hash, KeyType: 'HASH' },
    ...(range ? [{ AttributeName: range.name, KeyType: 'RANGE' as const }] : []),
  ],
});

const directoryIndex = (IndexName: string, sortKey: string) => ({
  IndexName,
  KeySchema: [
    { AttributeName: 'dir', KeyType: 'HASH' as const },
    { AttributeName: sortKey, KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: 'ALL' as const },
});

const keysOnlyIndex = (IndexName: string, hash: string, range?: string) => ({
  IndexName,
  KeySchema: [
    { AttributeName: hash, KeyType: 'HASH' as const },
    ...(range ? [{ AttributeName: range, KeyType: 'RANGE' as const }] : []),
  ],
  Projection: { ProjectionType: 'KEYS_ONLY' as const },
});

function attachmentsTable(name: string): CreateTableCommandInput {
  const attributes = ['roomId', 'createdAt', 'messageId', 'orphan', 'blobKey', 'thumbnailKey'];
  return {
    ...keyed(name, 'id'),
    AttributeDefinitions: [
      { AttributeName: 'id', AttributeType: 'S' },
      ...attributes.map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
    ],
    GlobalSecondaryIndexes: [
      keysOnlyIndex(ATTACHMENT_INDEXES.byRoom, 'roomId', 'createdAt'),
      keysOnlyIndex(ATTACHMENT_INDEXES.byMessage, 'messageId'),
      keysOnlyIndex(ATTACHMENT_INDEXES.orphans, 'orphan', 'createdAt'),
      keysOnlyIndex(ATTACHMENT_INDEXES.byBlob, 'blobKey'),
      keysOnlyIndex(ATTACHMENT_INDEXES.byThumbnail, 'thumbnailKey'),
    ],
  };
}

/** Every table as a `CreateTableCommandInput` (on-demand capacity). */
export function tableDefinitions(prefix = 'chat-'): CreateTableCommandInput[] {
  const names = tableNames(prefix);
  const users = keyed(names.users, 'id');
  return [
    keyed(names.messages, 'pk', { name: 'seq', type: 'N' }),
    keyed(names.rooms, 'roomId'),
    keyed(names.userRooms, 'userId', { name: 'roomId', type: 'S' }),
    keyed(names.readPointers, 'userId', { name: 'roomId', type: 'S' }),
    keyed(names.roomMembers, 'roomId', { name: 'userId', type: 'S' }),
    {
      ...users,
      AttributeDefinitions: [
        ...(users.AttributeDefinitions ?? []),
        { AttributeName: 'dir', AttributeType: 'S' },
        { AttributeName: 'idKey', AttributeType: 'S' },
        { AttributeName: 'nameKey', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        directoryIndex('byId', 'idKey'),
        directoryIndex('byName', 'nameKey'),
      ],
    },
    attachmentsTable(names.attachments),
  ];
}

/**
 * Creates every missing table and waits until each is ACTIVE. Idempotent: existing tables are
 * left as they are, and a concurrent creator (another process) is tolerated.
 */
export async function ensureTables(
  client: DynamoDBClient,
  prefix = 'chat-',
  maxWaitSeconds = 120,
): Promise<void> {
  for (const definition of tableDefinitions(prefix)) {
    const TableName = definition.TableName;
    if (TableName === undefined) throw new Error('table definition without a name');
    if (!(await tableExists(client, TableName))) {
      try {
        await client.send(new CreateTableCommand(definition));
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      }
    }
    await waitUntilTableExists(
      { client, maxWaitTime: maxWaitSeconds, minDelay: 1, maxDelay: 5 },
      { TableName },
    );
  }
}

async function tableExists(client: DynamoDBClient, TableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}
