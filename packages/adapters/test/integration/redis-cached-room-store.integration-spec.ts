import { describeRoomStoreConformance, uniqueId } from '@chat/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRoomStore } from '../../src/dynamo/dynamo-room-store.js';
import { ensureTables } from '../../src/dynamo/tables.js';
import { RedisCachedRoomStore } from '../../src/redis/redis-cached-room-store.js';
import { startDynalite, type DynaliteServer } from '../support/dynalite.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

let dynalite: DynaliteServer;
let redis: RedisServer;
let prefix: string;

beforeAll(async () => {
  [dynalite, redis] = await Promise.all([startDynalite(), startRedisServer()]);
  prefix = dynalite.uniquePrefix();
  await ensureTables(dynalite.client, prefix);
});

afterAll(async () => {
  await redis?.stop();
  await dynalite?.stop();
});

const cached = () =>
  new RedisCachedRoomStore(redis.client(), new DynamoRoomStore(dynalite.client, { prefix }));

describeRoomStoreConformance(`${RedisCachedRoomStore.name} over DynamoRoomStore`, () =>
  Promise.resolve({ sut: cached(), cleanup: () => Promise.resolve() }),
);

describe(`${RedisCachedRoomStore.name} across replicas`, () => {
  const room = (members: string[]) => ({
    roomId: uniqueId('room'),
    name: 'cached',
    ownerId: members[0] ?? 'alice',
    createdAt: new Date().toISOString(),
    members,
  });

  it('refuses a removed member on another replica at once', async () => {
    const [replicaA, replicaB] = [cached(), cached()];
    const record = room(['alice', 'bob']);
    await replicaA.create(record);
    expect(await replicaB.isMember(record.roomId, 'bob')).toBe(true); // now cached
    await replicaA.removeMember(record.roomId, 'bob');
    expect(await replicaB.isMember(record.roomId, 'bob')).toBe(false);
    await replicaA.addMembers(record.roomId, ['carol']);
    expect((await replicaB.get(record.roomId))?.members).toEqual(['alice', 'carol']);
    await replicaA.deleteRoom(record.roomId);
    expect(await replicaB.get(record.roomId)).toBeUndefined();
  });

  it('never puts back a record read before a mutation completed', async () => {
    const inner = new DynamoRoomStore(dynalite.client, { prefix });
    const record = room(['alice', 'bob']);
    await inner.create(record);
    // A reader that is slow: it reads the store, then a mutation completes, then it fills.
    let release!: () => void;
    let storeRead!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const hasReadStore = new Promise<void>((resolve) => (storeRead = resolve));
    const slowInner = Object.create(inner) as DynamoRoomStore;
    slowInner.get = async (roomId: string) => {
      const stale = await inner.get(roomId);
      storeRead();
      await gate;
      return stale;
    };
    const slowReader = new RedisCachedRoomStore(redis.client(), slowInner);
    const writer = cached();
    const reading = slowReader.get(record.roomId);
    await hasReadStore;
    await writer.removeMember(record.roomId, 'bob');
    release();
    expect((await reading)?.members).toEqual(['alice', 'bob']); // it answers what it read
    expect(await cached().isMember(record.roomId, 'bob')).toBe(false); // but did not cache it
  });
});
