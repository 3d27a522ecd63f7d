import {
  ResourceNotFoundException,
  ScanCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  N,
  S,
  batchWriteAll,
  isConditionFailed,
  num,
  queryAll,
  sendBatchWrite,
  str,
  type Item,
} from './dynamo-batch.js';
import {
  LEGACY_USER_DIRECTORY_PARTITION,
  ensureTables,
  legacyTableNames,
  roomLeaversKey,
  tableNames,
  userDirectoryShard,
} from './tables.js';

/** What `migrateTables` moved, per step. */
export interface MigrationReport {
  /** Pointers copied from the legacy `read-pointers` table (pk room) to `user-read-pointers`. */
  readPointers: number;
  /** Users moved from the constant directory partition `dir = "user"` to their shard. */
  directoryUsers: number;
  /** Rooms whose `members` list became `room-members` items. */
  rooms: number;
  /** Rooms a process of the old version changed during the run: run it again. */
  roomsChangedMeanwhile: number;
}

/**
 * Brings a deployment's data from earlier layouts to the current one (`docs/adr/0007`):
 * creates the missing tables, then runs every step. Each step is idempotent and safe to run
 * again (an interrupted run is finished by the next one); run it once more after the last
 * process of the old version stopped, to carry over what that process wrote meanwhile.
 */
export async function migrateTables(
  client: DynamoDBClient,
  prefix = 'chat-',
): Promise<MigrationReport> {
  await ensureTables(client, prefix);
  return {
    readPointers: await migrateReadPointers(client, prefix),
    directoryUsers: await migrateDirectory(client, prefix),
    ...(await migrateRoomMembers(client, prefix)),
  };
}

/** Every item of `table` (a scan: migrations only), or none when the table does not exist. */
export async function* scanAll(client: DynamoDBClient, table: string): AsyncGenerator<Item[]> {
  let start: Item | undefined;
  do {
    let out;
    try {
      out = await client.send(
        new ScanCommand({
          TableName: table,
          ConsistentRead: true,
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return;
      throw error;
    }
    yield out.Items ?? [];
    start = out.LastEvaluatedKey;
  } while (start);
}

/**
 * Copies each pointer keyed (room, user) to (user, room), moving it only forward, and records
 * its user in the room's `roomId#left` partition so deleting the room finds it even when the
 * user is no longer a member.
 */
async function migrateReadPointers(client: DynamoDBClient, prefix: string): Promise<number> {
  const tables = tableNames(prefix);
  let moved = 0;
  for await (const page of scanAll(client, legacyTableNames(prefix).readPointersByRoom)) {
    await Promise.all(
      page.map(async (item) => {
        const [roomId, userId] = [str(item, 'roomId'), str(item, 'userId')];
        try {
          await client.send(
            new UpdateItemCommand({
              TableName: tables.readPointers,
              Key: { userId: S(userId), roomId: S(roomId) },
              UpdateExpression: 'SET seq = :s',
              ConditionExpression: 'attribute_not_exists(seq) OR seq < :s',
              ExpressionAttributeValues: { ':s': N(num(item, 'seq')) },
            }),
          );
        } catch (error) {
          if (!isConditionFailed(error)) throw error;
        }
      }),
    );
    const leavers = page.map((item) => ({
      PutRequest: {
        Item: { roomId: S(roomLeaversKey(str(item, 'roomId'))), userId: S(str(item, 'userId')) },
      },
    }));
    await batchWriteAll(sendBatchWrite(client), tables.roomMembers, leavers);
    moved += page.length;
  }
  return moved;
}

/** Moves every user still in the constant directory partition to the shard of their id. */
async function migrateDirectory(client: DynamoDBClient, prefix: string): Promise<number> {
  const table = tableNames(prefix).users;
  let moved = 0;
  for await (const page of scanAll(client, table)) {
    const legacy = page.filter((item) => item.dir?.S === LEGACY_USER_DIRECTORY_PARTITION);
    await Promise.all(
      legacy.map(async (item) => {
        const id = str(item, 'id');
        try {
          await client.send(
            new UpdateItemCommand({
              TableName: table,
              Key: { id: S(id) },
              UpdateExpression: 'SET dir = :shard',
              ConditionExpression: 'dir = :legacy',
              ExpressionAttributeValues: {
                ':shard': S(userDirectoryShard(id)),
                ':legacy': S(LEGACY_USER_DIRECTORY_PARTITION),
              },
            }),
          );
          moved++;
        } catch (error) {
          // A sign-in moved the user meanwhile.
          if (!isConditionFailed(error)) throw error;
        }
      }),
    );
  }
  return moved;
}

/**
 * Turns each room's `members` list into `room-members` items numbered in list order, drops the
 * list and sets `joins`, conditional on the `version` it read: a room an old process changed
 * meanwhile keeps its list and is counted in `roomsChangedMeanwhile`, for the next run. Member
 * items of the room that the list no longer names (an earlier run's) are deleted.
 */
async function migrateRoomMembers(
  client: DynamoDBClient,
  prefix: string,
): Promise<Pick<MigrationReport, 'rooms' | 'roomsChangedMeanwhile'>> {
  const tables = tableNames(prefix);
  const report = { rooms: 0, roomsChangedMeanwhile: 0 };
  for await (const page of scanAll(client, tables.rooms)) {
    for (const item of page.filter((room) => room.members?.L !== undefined)) {
      const roomId = str(item, 'roomId');
      const members = [...new Set((item.members?.L ?? []).map((v) => v.S ?? ''))];
      const earlier = await queryAll(client, {
        TableName: tables.roomMembers,
        KeyConditionExpression: 'roomId = :r',
        ExpressionAttributeValues: { ':r': S(roomId) },
        ConsistentRead: true,
      });
      const stale = earlier.filter((m) => !members.includes(str(m, 'userId')));
      await batchWriteAll(sendBatchWrite(client), tables.roomMembers, [
        ...stale.map((m) => ({
          DeleteRequest: { Key: { roomId: S(roomId), userId: S(str(m, 'userId')) } },
        })),
        ...members.map((userId, i) => ({
          PutRequest: { Item: { roomId: S(roomId), userId: S(userId), joined: N(i + 1) } },
        })),
      ]);
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tables.rooms,
            Key: { roomId: S(roomId) },
            UpdateExpression: 'SET joins = :n, version = version + :one REMOVE members',
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: {
              ':n': N(members.length),
              ':one': N(1),
              ':v': N(num(item, 'version')),
            },
          }),
        );
        report.rooms++;
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        report.roomsChangedMeanwhile++;
      }
    }
  }
  return report;
}
