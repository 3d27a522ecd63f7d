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

/** A room item with the version its next conditional update must match. */
export interface Versioned {
  room: RoomRecord;
  version: number;
}

export const toVersioned = (item: Item): Versioned => ({
  room: {
    roomId: str(item, 'roomId'),
    name: str(item, 'name'),
    ...(optStr(item, 'topic') && { topic: optStr(item, 'topic') }),
    ownerId: str(item, 'ownerId'),
    createdAt: str(item, 'createdAt'),
    members: (item.members?.L ?? []).map((v) => v.S ?? ''),
  },
  version: num(item, 'version'),
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
