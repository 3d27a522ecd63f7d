import {
  DeleteItemCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
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
  type Item,
} from './dynamo-batch.js';
import { byCreation, toRoom, writeUserRooms } from './room-items.js';
import { roomLeaversKey, tableNames, type TableNames } from './tables.js';

export interface DynamoRoomStoreOptions {
  /** Table name prefix, as given to `ensureTables`. Default `chat-`. */
  prefix?: string;
  retry?: BackoffOptions;
  /** Members read per `Query` page (DynamoDB's 1 MB page when unset); for tests. */
  memberPageSize?: number;
}

/**
 * Rooms, memberships and read pointers on DynamoDB (no transactions needed, so it runs on
 * dynalite too).
 *
 * Membership is one `room-members` item per member (pk room, sk user, `joined`): a join or a
 * leave writes O(1) items whatever the room's size, and no item grows with the room. Join order
 * comes from the room item's counter `joins`, moved by an atomic `ADD` that hands each join
 * batch its numbers; the member item is put only if absent, so of concurrent joins of one user
 * exactly one adds them. `version` counts changes to the room (joins, leaves, owner).
 * `user-rooms` (pk user, sk room) is the index `roomsOf` reads; it is written before a join and
 * deleted after a leave, and `roomsOf` keeps only rooms that list the user, so a crash between
 * the two writes never shows a wrong room. A table keyed by user is used instead of a GSI
 * because GSIs are only eventually consistent and a socket must see a room it was just added
 * to. Read pointers (pk user, sk room, so a big room's readers write to as many keys) move
 * forward only, by a conditional update; a leaver is recorded under `roomId#left` so deleting
 * the room removes their pointer too. A member's mute is on their `user-rooms` entry, so it
 * goes when the entry does (leave, removal, delete). All reads are strongly consistent. The
 * caller owns `client`.
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
            joins: N(members.length),
            version: N(0),
          },
          ConditionExpression: 'attribute_not_exists(roomId)',
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) throw new ChatError('CONFLICT', `room ${room.roomId} exists`);
      throw error;
    }
    const requests = members.map((userId, i) => ({
      PutRequest: { Item: memberItem(room.roomId, userId, i + 1) },
    }));
    await this.writeAll(this.tables.roomMembers, requests);
  }

  private async roomItem(roomId: string): Promise<Item | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tables.rooms,
        Key: { roomId: S(roomId) },
        ConsistentRead: true,
      }),
    );
    return out.Item;
  }

  /** The room's member items, every page. */
  private memberItems(roomId: string): Promise<Item[]> {
    const pageSize = this.options.memberPageSize;
    return queryAll(this.client, {
      TableName: this.tables.roomMembers,
      KeyConditionExpression: 'roomId = :r',
      ExpressionAttributeValues: { ':r': S(roomId) },
      ConsistentRead: true,
      ...(pageSize !== undefined && { Limit: pageSize }),
    });
  }

  private async memberItem(roomId: string, userId: string): Promise<Item | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tables.roomMembers,
        Key: { roomId: S(roomId), userId: S(userId) },
        ConsistentRead: true,
      }),
    );
    return out.Item;
  }

  /** The room item and its member items, read in parallel; members in join order. */
  async get(roomId: string): Promise<RoomRecord | undefined> {
    const [item, members] = await Promise.all([this.roomItem(roomId), this.memberItems(roomId)]);
    return item && toRoom(item, members);
  }

  /** The user's rooms, ordered by creation time then id. */
  async roomsOf(userId: string): Promise<RoomRecord[]> {
    const index = await queryAll(this.client, {
      TableName: this.tables.userRooms,
      KeyConditionExpression: 'userId = :u',
      ExpressionAttributeValues: { ':u': S(userId) },
      ConsistentRead: true,
    });
    const rooms = await Promise.all(index.map((item) => this.get(str(item, 'roomId'))));
    return rooms
      .filter((room): room is RoomRecord => room?.members.includes(userId) ?? false)
      .sort(byCreation);
  }

  /** Two single-item reads: the member item and the room item (a room being deleted is gone). */
  async isMember(roomId: string, userId: string): Promise<boolean> {
    const [room, member] = await Promise.all([
      this.roomItem(roomId),
      this.memberItem(roomId, userId),
    ]);
    return room !== undefined && member !== undefined;
  }

  /**
   * Adds the users not yet members, in order; NOT_FOUND when the room does not exist. One
   * `ADD` on the room's `joins` numbers the batch; each member item is put only if absent.
   */
  async addMembers(roomId: string, userIds: readonly string[]): Promise<string[]> {
    const unique = [...new Set(userIds)];
    const keys = unique.map((userId) => ({ roomId: S(roomId), userId: S(userId) }));
    const [room, present] = await Promise.all([
      this.roomItem(roomId),
      batchGetAll(sendBatchGet(this.client), this.tables.roomMembers, keys, this.options.retry),
    ]);
    if (!room) throw new ChatError('NOT_FOUND', `room ${roomId} does not exist`);
    const members = new Set(present.map((item) => str(item, 'userId')));
    const candidates = unique.filter((userId) => !members.has(userId));
    if (candidates.length === 0) return [];
    await this.indexMembers(roomId, candidates);
    const first = (await this.bump(roomId, candidates.length)) - candidates.length + 1;
    const added = await Promise.all(
      candidates.map((userId, i) => this.putMember(roomId, userId, first + i)),
    );
    const joined = candidates.filter((_, i) => added[i]);
    // A delete that ran meanwhile did not see these members: take them out again.
    if (!(await this.roomItem(roomId))) {
      await this.writeAll(
        this.tables.roomMembers,
        joined.map((userId) => ({ DeleteRequest: { Key: memberKey(roomId, userId) } })),
      );
      throw new ChatError('NOT_FOUND', `room ${roomId} does not exist`);
    }
    return joined;
  }

  /** Counts a change to the room (and `joins` more joins); the new `joins`. NOT_FOUND if gone. */
  private async bump(roomId: string, joins: number): Promise<number> {
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.rooms,
          Key: { roomId: S(roomId) },
          UpdateExpression: 'ADD joins :n, version :one',
          ConditionExpression: 'attribute_exists(roomId)',
          ExpressionAttributeValues: { ':n': N(joins), ':one': N(1) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.joins?.N ?? 0);
    } catch (error) {
      if (isConditionFailed(error)) throw new ChatError('NOT_FOUND', `room ${roomId} is gone`);
      throw error;
    }
  }

  /** Puts the member item unless the user is a member already; whether it was put. */
  private async putMember(roomId: string, userId: string, joined: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tables.roomMembers,
          Item: memberItem(roomId, userId, joined),
          ConditionExpression: 'attribute_not_exists(userId)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async removeMember(roomId: string, userId: string): Promise<RoomRecord | undefined> {
    if (!(await this.isMember(roomId, userId))) return undefined;
    // Recorded before the user leaves, so deleting the room finds their read pointer.
    await this.recordLeaver(roomId, userId);
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tables.roomMembers,
          Key: memberKey(roomId, userId),
          ConditionExpression: 'attribute_exists(userId)',
        }),
      );
    } catch (error) {
      // A concurrent leave of the same user removed them first.
      if (isConditionFailed(error)) return undefined;
      throw error;
    }
    await this.bump(roomId, 0).catch((error: unknown) => {
      if (!(error instanceof ChatError)) throw error;
    });
    await this.unindexMembers(roomId, [userId]);
    // A concurrent re-join may have indexed the user again just before that delete.
    if (await this.memberItem(roomId, userId)) await this.indexMembers(roomId, [userId]);
    return this.get(roomId);
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
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.rooms,
          Key: { roomId: S(roomId) },
          UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(roomId)',
          ...(changes.name !== undefined && { ExpressionAttributeNames: { '#name': 'name' } }),
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) return undefined;
      throw error;
    }
    return this.get(roomId);
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

  /**
   * Deletes the room item (the room is gone from then on), then the members' index entries,
   * the read pointers of its members and of everyone who left it (`room-members` partition
   * `roomId#left`), and last the member and leaver items, so a delete that was interrupted is
   * finished by calling it again.
   */
  async deleteRoom(roomId: string): Promise<void> {
    await this.client.send(
      new DeleteItemCommand({ TableName: this.tables.rooms, Key: { roomId: S(roomId) } }),
    );
    const [members, leavers] = await Promise.all([
      this.memberItems(roomId),
      queryAll(this.client, {
        TableName: this.tables.roomMembers,
        KeyConditionExpression: 'roomId = :r',
        ExpressionAttributeValues: { ':r': S(roomLeaversKey(roomId)) },
        ConsistentRead: true,
      }),
    ]);
    const memberIds = members.map((m) => str(m, 'userId'));
    await this.unindexMembers(roomId, memberIds);
    const readers = new Set([...memberIds, ...leavers.map((l) => str(l, 'userId'))]);
    await this.deleteAll(
      this.tables.readPointers,
      [...readers].map((userId) => ({ userId: S(userId), roomId: S(roomId) })),
    );
    await this.deleteAll(
      this.tables.roomMembers,
      [...members, ...leavers].map((item) => ({
        roomId: S(str(item, 'roomId')),
        userId: S(str(item, 'userId')),
      })),
    );
  }

  private deleteAll(table: string, keys: readonly Item[]): Promise<void> {
    return this.writeAll(
      table,
      keys.map((Key) => ({ DeleteRequest: { Key } })),
    );
  }

  private writeAll(table: string, requests: readonly WriteRequest[]): Promise<void> {
    return batchWriteAll(sendBatchWrite(this.client), table, requests, this.options.retry);
  }

  private async recordLeaver(roomId: string, userId: string): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tables.roomMembers,
        Item: { roomId: S(roomLeaversKey(roomId)), userId: S(userId) },
      }),
    );
  }

  /**
   * Moves the pointer only forward; false when it did not move or the room does not exist.
   * Existence is read from the user's `user-rooms` entry (deleted with the room), not from the
   * room item, so a big room's mark-reads read and write only their readers' keys; a user who
   * is not in the room (the caller checks membership first) gets false too.
   */
  async markRead(roomId: string, userId: string, seq: number): Promise<boolean> {
    if (seq <= 0) return false;
    const { Item: entry } = await this.client.send(
      new GetItemCommand({
        TableName: this.tables.userRooms,
        Key: { userId: S(userId), roomId: S(roomId) },
        ConsistentRead: true,
      }),
    );
    if (!entry) return false;
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.readPointers,
          Key: { userId: S(userId), roomId: S(roomId) },
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
    const keys = unique.map((roomId) => ({ userId: S(userId), roomId: S(roomId) }));
    const items = await batchGetAll(
      sendBatchGet(this.client),
      this.tables.readPointers,
      keys,
      this.options.retry,
    );
    const found = new Map(items.map((item) => [str(item, 'roomId'), num(item, 'seq')]));
    return new Map(roomIds.map((id) => [id, found.get(id) ?? 0]));
  }

  /**
   * Kept on the member's `user-rooms` entry (pk user, sk room): their per-room state on their
   * own key, read with their room list, and deleted with the entry when they leave (a re-join
   * puts a fresh entry). The member item is checked first, since an entry is written before a
   * join completes; the update's condition keeps a leave that ran meanwhile from being undone.
   */
  async setMuted(roomId: string, userId: string, muted: boolean): Promise<boolean> {
    if (!(await this.memberItem(roomId, userId))) return false;
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.userRooms,
          Key: { userId: S(userId), roomId: S(roomId) },
          UpdateExpression: muted ? 'SET muted = :on' : 'REMOVE muted',
          ConditionExpression: 'attribute_exists(roomId)',
          ...(muted && { ExpressionAttributeValues: { ':on': { BOOL: true } } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  /** One `BatchGetItem` of the user's `user-rooms` entries, all on the user's key. */
  async mutedRooms(userId: string, roomIds: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(roomIds)];
    const keys = unique.map((roomId) => ({ userId: S(userId), roomId: S(roomId) }));
    const items = await batchGetAll(
      sendBatchGet(this.client),
      this.tables.userRooms,
      keys,
      this.options.retry,
    );
    return new Set(
      items.filter((item) => item.muted?.BOOL === true).map((item) => str(item, 'roomId')),
    );
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

const memberKey = (roomId: string, userId: string): Item => ({
  roomId: S(roomId),
  userId: S(userId),
});

const memberItem = (roomId: string, userId: string, joined: number): Item => ({
  ...memberKey(roomId, userId),
  joined: N(joined),
});
