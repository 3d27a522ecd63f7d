import {
  DeleteItemCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { ChatError } from '@chat/contracts';
import { RoomStore, type RoomChanges, type RoomRecord } from '@chat/core';
import {
  N,
  S,
  batchGetAll,
  batchWriteAll,
  isConditionFailed,
  num,
  queryAll,
  sendBatchGet,
  sendBatchWrite,
  str,
  type BackoffOptions,
} from './dynamo-batch.js';
import { byCreation, toVersioned, writeUserRooms, type Versioned } from './room-items.js';
import { tableNames, type TableNames } from './tables.js';

export interface DynamoRoomStoreOptions {
  /** Table name prefix, as given to `ensureTables`. Default `chat-`. */
  prefix?: string;
  retry?: BackoffOptions;
  /** Optimistic-concurrency retries of one membership change. Default 20. */
  maxConflicts?: number;
}

/**
 * Rooms, memberships and read pointers on DynamoDB (no transactions needed, so it runs on
 * dynalite too).
 *
 * The room item is the store of record for membership: `members` is a list in join order and
 * every change is a conditional update on the item's `version` (optimistic concurrency,
 * retried on conflict), so concurrent joins and leaves never lose one another and join order
 * is exact. `user-rooms` (pk user, sk room) is the index `roomsOf` reads; it is written before
 * a join and deleted after a leave, and `roomsOf` keeps only rooms whose `members` list the
 * user, so a crash between the two writes never shows a wrong room. A table keyed by user is
 * used instead of a GSI because GSIs are only eventually consistent and a socket must see a
 * room it was just added to. Read pointers (pk room, sk user) move forward only, by a
 * conditional update. All reads are strongly consistent. The caller owns `client`.
 */
export class DynamoRoomStore extends RoomStore {
  private readonly tables: TableNames;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: DynamoRoomStoreOptions = {},
  ) {
    super();
    this.tables = tableNames(options.prefix ?? 'chat-');
  }

  /** Stores a new room with `members` in the given order; CONFLICT if the id is taken. */
  async create(room: RoomRecord): Promise<void> {
    const members = [...new Set(room.members)];
    await this.indexMembers(room.roomId, members);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tables.rooms,
          Item: {
            roomId: S(room.roomId),
            name: S(room.name),
            ownerId: S(room.ownerId),
            createdAt: S(room.createdAt),
            members: { L: members.map(S) },
            version: N(0),
          },
          ConditionExpression: 'attribute_not_exists(roomId)',
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) throw new ChatError('CONFLICT', `room ${room.roomId} exists`);
      throw error;
    }
  }

  private async load(roomId: string): Promise<Versioned | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tables.rooms,
        Key: { roomId: S(roomId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toVersioned(out.Item) : undefined;
  }

  async get(roomId: string): Promise<RoomRecord | undefined> {
    return (await this.load(roomId))?.room;
  }

  /** The user's rooms, ordered by creation time then id. */
  async roomsOf(userId: string): Promise<RoomRecord[]> {
    const index = await queryAll(this.client, {
      TableName: this.tables.userRooms,
      KeyConditionExpression: 'userId = :u',
      ExpressionAttributeValues: { ':u': S(userId) },
      ConsistentRead: true,
    });
    const keys = index.map((item) => ({ roomId: S(str(item, 'roomId')) }));
    const rooms = await batchGetAll(
      sendBatchGet(this.client),
      this.tables.rooms,
      keys,
      this.options.retry,
    );
    return rooms
      .map((item) => toVersioned(item).room)
      .filter((room) => room.members.includes(userId))
      .sort(byCreation);
  }

  async isMember(roomId: string, userId: string): Promise<boolean> {
    return (await this.get(roomId))?.members.includes(userId) ?? false;
  }

  /** Adds the users not yet members, in order; NOT_FOUND when the room does not exist. */
  async addMembers(roomId: string, userIds: readonly string[]): Promise<string[]> {
    return this.mutate(
      roomId,
      async ({ room }) => {
        const added = [...new Set(userIds)].filter((u) => !room.members.includes(u));
        if (added.length === 0) return { members: undefined, result: added };
        await this.indexMembers(roomId, added);
        return { members: [...room.members, ...added], result: added };
      },
      () => {
        throw new ChatError('NOT_FOUND', `room ${roomId} does not exist`);
      },
    );
  }

  async removeMember(roomId: string, userId: string): Promise<RoomRecord | undefined> {
    const removed = await this.mutate(
      roomId,
      ({ room }) => {
        if (!room.members.includes(userId))
          return Promise.resolve({ members: undefined, result: undefined });
        const members = room.members.filter((m) => m !== userId);
        return Promise.resolve({ members, result: { ...room, members } });
      },
      () => undefined,
    );
    if (removed) {
      await this.unindexMembers(roomId, [userId]);
      // A concurrent re-join may have indexed the user again just before that delete.
      if (await this.isMember(roomId, userId)) await this.indexMembers(roomId, [userId]);
    }
    return removed;
  }

  /**
   * Reads the room, lets `change` compute the new member list, and writes it only if nobody
   * changed the room in between (`version`); retries on conflict. `members: undefined` means
   * no write.
   */
  private async mutate<T>(
    roomId: string,
    change: (current: Versioned) => Promise<{ members: string[] | undefined; result: T }>,
    missing: () => T,
  ): Promise<T> {
    const maxConflicts = this.options.maxConflicts ?? 20;
    for (let attempt = 0; attempt < maxConflicts; attempt++) {
      const current = await this.load(roomId);
      if (!current) return missing();
      const { members, result } = await change(current);
      if (members === undefined) return result;
      try {
        await this.client.send(
          new UpdateItemCommand({
            TableName: this.tables.rooms,
            Key: { roomId: S(roomId) },
            UpdateExpression: 'SET members = :m, version = :next',
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: {
              ':m': { L: members.map(S) },
              ':v': N(current.version),
              ':next': N(current.version + 1),
            },
          }),
        );
        return result;
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
    }
    throw new ChatError('UNAVAILABLE', `room ${roomId} changed too often concurrently`);
  }

  /** One conditional update of the room item's name and/or topic (an empty topic is removed). */
  async update(roomId: string, changes: RoomChanges): Promise<RoomRecord | undefined> {
    const set = ['version = version + :one'];
    const remove: string[] = [];
    const values: Record<string, AttributeValue> = { ':one': N(1) };
    if (changes.name !== undefined) {
      set.push('#name = :name');
      values[':name'] = S(changes.name);
    }
    if (changes.topic) {
      set.push('topic = :topic');
      values[':topic'] = S(changes.topic);
    } else if (changes.topic !== undefined) {
      remove.push('topic');
    }
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.rooms,
          Key: { roomId: S(roomId) },
          UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(roomId)',
          ...(changes.name !== undefined && { ExpressionAttributeNames: { '#name': 'name' } }),
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? toVersioned(out.Attributes).room : this.get(roomId);
    } catch (error) {
      if (isConditionFailed(error)) return undefined;
      throw error;
    }
  }

  async setOwner(roomId: string, ownerId: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.rooms,
          Key: { roomId: S(roomId) },
          UpdateExpression: 'SET ownerId = :o, version = version + :one',
          ConditionExpression: 'attribute_exists(roomId)',
          ExpressionAttributeValues: { ':o': S(ownerId), ':one': N(1) },
        }),
      );
    } catch (error) {
      // A room that no longer exists has no owner to set, as in the embedded store.
      if (!isConditionFailed(error)) throw error;
    }
  }

  /** Deletes the room item, then its index entries and read pointers. */
  async deleteRoom(roomId: string): Promise<void> {
    const current = await this.load(roomId);
    if (!current) return;
    await this.client.send(
      new DeleteItemCommand({ TableName: this.tables.rooms, Key: { roomId: S(roomId) } }),
    );
    await this.unindexMembers(roomId, current.room.members);
    const pointers = await queryAll(this.client, {
      TableName: this.tables.readPointers,
      KeyConditionExpression: 'roomId = :r',
      ExpressionAttributeValues: { ':r': S(roomId) },
      ProjectionExpression: 'roomId, userId',
      ConsistentRead: true,
    });
    const requests = pointers.map((Key) => ({ DeleteRequest: { Key } }));
    await batchWriteAll(
      sendBatchWrite(this.client),
      this.tables.readPointers,
      requests,
      this.options.retry,
    );
  }

  /** Moves the pointer only forward; false when it did not move or the room does not exist. */
  async markRead(roomId: string, userId: string, seq: number): Promise<boolean> {
    if (seq <= 0 || !(await this.load(roomId))) return false;
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.readPointers,
          Key: { roomId: S(roomId), userId: S(userId) },
          UpdateExpression: 'SET seq = :s',
          ConditionExpression: 'attribute_not_exists(seq) OR seq < :s',
          ExpressionAttributeValues: { ':s': N(seq) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async readPointers(userId: string, roomIds: readonly string[]): Promise<Map<string, number>> {
    const unique = [...new Set(roomIds)];
    const keys = unique.map((roomId) => ({ roomId: S(roomId), userId: S(userId) }));
    const items = await batchGetAll(
      sendBatchGet(this.client),
      this.tables.readPointers,
      keys,
      this.options.retry,
    );
    const found = new Map(items.map((item) => [str(item, 'roomId'), num(item, 'seq')]));
    return new Map(roomIds.map((id) => [id, found.get(id) ?? 0]));
  }

  async ping(): Promise<void> {
    await this.client.send(new DescribeTableCommand({ TableName: this.tables.rooms }));
  }

  /** Nothing to release: the caller owns the client. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  private indexMembers(roomId: string, userIds: readonly string[]): Promise<void> {
    return writeUserRooms(
      this.client,
      this.tables.userRooms,
      roomId,
      userIds,
      'put',
      this.options.retry,
    );
  }

  private unindexMembers(roomId: string, userIds: readonly string[]): Promise<void> {
    return writeUserRooms(
      this.client,
      this.tables.userRooms,
      roomId,
      userIds,
      'delete',
      this.options.retry,
    );
  }
}
