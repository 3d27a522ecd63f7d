import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RoomRecord } from '@chat/core';
import {
  S,
  batchWriteAll,
  num,
  optStr,
  sendBatchWrite,
  str,
  type BackoffOptions,
  type Item,
} from './dynamo-batch.js';

/**
 * A room from its item (name, owner, createdAt) and its `room-members` items (pk room, sk
 * user, `joined` the join number), members in join order.
 */
export const toRoom = (item: Item, members: readonly Item[]): RoomRecord => ({
  roomId: str(item, 'roomId'),
  name: str(item, 'name'),
  ...(optStr(item, 'topic') && { topic: optStr(item, 'topic') }),
  ownerId: str(item, 'ownerId'),
  createdAt: str(item, 'createdAt'),
  members: [...members]
    .sort((a, b) => num(a, 'joined') - num(b, 'joined'))
    .map((member) => str(member, 'userId')),
});

/** Creation time, then id: the order `roomsOf` answers in, as the embedded store does. */
export const byCreation = (a: RoomRecord, b: RoomRecord): number =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.roomId < b.roomId ? -1 : 1;

/** Puts or deletes the `user-rooms` index items (pk user, sk room) of `userIds` in one room. */
export async function writeUserRooms(
  client: DynamoDBClient,
  table: string,
  roomId: string,
  userIds: readonly string[],
  action: 'put' | 'delete',
  retry?: BackoffOptions,
): Promise<void> {
  const requests = userIds.map((userId) => {
    const key = { userId: S(userId), roomId: S(roomId) };
    return action === 'put' ? { PutRequest: { Item: key } } : { DeleteRequest: { Key: key } };
  });
  await batchWriteAll(sendBatchWrite(client), table, requests, retry);
}
