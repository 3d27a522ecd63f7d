import {
  CreateTableCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { uniqueId } from '@chat/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRoomStore } from '../../src/dynamo/dynamo-room-store.js';
import { DynamoUserStore } from '../../src/dynamo/dynamo-user-store.js';
import { migrateTables } from '../../src/dynamo/migrate.js';
import { ensureTables, legacyTableNames, tableNames } from '../../src/dynamo/tables.js';
import { startDynalite, type DynaliteServer } from '../support/dynalite.js';

let dynalite: DynaliteServer;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite.stop();
});

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });

/** The tables as the layout before ADR 0007 created them, where they differ. */
async function createLegacyTables(client: DynamoDBClient, prefix: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: legacyTableNames(prefix).readPointersByRoom,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'roomId', AttributeType: 'S' },
        { AttributeName: 'userId', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'roomId', KeyType: 'HASH' },
        { AttributeName: 'userId', KeyType: 'RANGE' },
      ],
    }),
  );
}

/** A room with its members and read pointers, written as the earlier layout wrote them. */
async function putLegacyRoom(
  client: DynamoDBClient,
  prefix: string,
  room: { roomId: string; members: string[]; pointers: Record<string, number> },
): Promise<void> {
  const tables = tableNames(prefix);
  await client.send(
    new PutItemCommand({
      TableName: tables.rooms,
      Item: {
        roomId: S(room.roomId),
        name: S('legacy room'),
        ownerId: S(room.members[0] ?? 'nobody'),
        createdAt: S('2026-01-01T00:00:00.000Z'),
        members: { L: room.members.map(S) },
        version: N(room.members.length),
      },
    }),
  );
  for (const userId of room.members) {
    await client.send(
      new PutItemCommand({
        TableName: tables.userRooms,
        Item: { userId: S(userId), roomId: S(room.roomId) },
      }),
    );
  }
  for (const [userId, seq] of Object.entries(room.pointers)) {
    await client.send(
      new PutItemCommand({
        TableName: legacyTableNames(prefix).readPointersByRoom,
        Item: { roomId: S(room.roomId), userId: S(userId), seq: N(seq) },
      }),
    );
  }
}

describe(migrateTables.name, () => {
  it('carries data written in the earlier layout over, and is idempotent', async () => {
    const { client } = dynalite;
    const prefix = dynalite.uniquePrefix();
    await ensureTables(client, prefix);
    await createLegacyTables(client, prefix);
    const [a, b, gone] = [uniqueId('a'), uniqueId('b'), uniqueId('gone')];
    const roomId = uniqueId('room');
    await putLegacyRoom(client, prefix, {
      roomId,
      members: [a, b],
      pointers: { [a]: 7, [gone]: 3 },
    });

    expect(await migrateTables(client, prefix)).toMatchObject({ readPointers: 2, rooms: 1 });
    expect(await migrateTables(client, prefix)).toMatchObject({ readPointers: 2, rooms: 0 });

    const sut = new DynamoRoomStore(client, { prefix });
    expect(await sut.get(roomId)).toMatchObject({ roomId, members: [a, b] });
    expect((await sut.roomsOf(b)).map((r) => r.roomId)).toEqual([roomId]);
    const c = uniqueId('c');
    expect(await sut.addMembers(roomId, [c, a])).toEqual([c]);
    expect(await sut.removeMember(roomId, a)).toMatchObject({ members: [b, c] });
    expect(await sut.addMembers(roomId, [a])).toEqual([a]);
    expect((await sut.get(roomId))?.members).toEqual([b, c, a]);
    expect((await sut.readPointers(a, [roomId])).get(roomId)).toBe(7);
    expect((await sut.readPointers(b, [roomId])).get(roomId)).toBe(0);
    expect(await sut.markRead(roomId, a, 7)).toBe(false);
    expect(await sut.markRead(roomId, a, 9)).toBe(true);

    // Deleting the room finds the pointer of a user who left before the migration too.
    await sut.deleteRoom(roomId);
    expect((await sut.readPointers(gone, [roomId])).get(roomId)).toBe(0);
    expect((await sut.readPointers(a, [roomId])).get(roomId)).toBe(0);
  });

  it('moves the users of the constant directory partition to their shards', async () => {
    const { client } = dynalite;
    const prefix = dynalite.uniquePrefix();
    await ensureTables(client, prefix);
    const stem = uniqueId('old').replaceAll('-', '');
    const ids = Array.from({ length: 12 }, (_, i) => `${stem}${String(i).padStart(2, '0')}`);
    for (const id of ids) {
      await client.send(
        new PutItemCommand({
          TableName: tableNames(prefix).users,
          Item: {
            id: S(id),
            name: S(id.toUpperCase()),
            createdAt: S('2026-01-01T00:00:00.000Z'),
            dir: S('user'),
            idKey: S(id),
            nameKey: S(id),
          },
        }),
      );
    }
    const sut = new DynamoUserStore(client, { prefix });
    expect(await sut.list(stem, 100)).toEqual([]);

    expect(await migrateTables(client, prefix)).toMatchObject({ directoryUsers: ids.length });
    expect(await migrateTables(client, prefix)).toMatchObject({ directoryUsers: 0 });

    expect((await sut.list(stem, 100)).map((u) => u.id)).toEqual(ids);
    expect((await sut.list(stem.toUpperCase(), 5)).map((u) => u.id)).toEqual(ids.slice(0, 5));
  });

  it('runs on a deployment that never had the earlier tables', async () => {
    const prefix = dynalite.uniquePrefix();
    expect(await migrateTables(dynalite.client, prefix)).toMatchObject({
      readPointers: 0,
      directoryUsers: 0,
    });
  });
});
