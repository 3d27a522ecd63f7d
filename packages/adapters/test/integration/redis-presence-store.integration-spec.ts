import { randomUUID } from 'node:crypto';
import { describePresenceConformance, uniqueId } from '@chat/core/conformance';
import { pollUntil } from '@chat/test-support/poll';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisPresenceStore } from '../../src/redis/redis-presence-store.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.stop();
});

const prefix = () => `test-${randomUUID().slice(0, 8)}`;

describePresenceConformance(`${RedisPresenceStore.name} on redis-server`, () => {
  const sut = new RedisPresenceStore(server.client(), { prefix: prefix() });
  return Promise.resolve({ sut, cleanup: () => sut.close() });
});

describe(`${RedisPresenceStore.name} across replicas`, () => {
  it('shows a user online on every replica and offline when the last one disconnects', async () => {
    const p = prefix();
    const [a, b] = [
      new RedisPresenceStore(server.client(), { prefix: p }),
      new RedisPresenceStore(server.client(), { prefix: p }),
    ];
    const user = uniqueId('user');
    expect(await a.connect(user, 'on-a')).toBe(true);
    expect(await b.connect(user, 'on-b')).toBe(false);
    expect(await a.disconnect(user, 'on-a', new Date().toISOString())).toBe(false);
    expect((await b.states([user])).get(user)?.online).toBe(true);
    expect(await b.disconnect(user, 'on-b', new Date().toISOString())).toBe(true);
    expect((await a.states([user])).get(user)?.online).toBe(false);
    await Promise.all([a.close(), b.close()]);
  });

  it('keeps the connections of a live replica and expires those of a dead one', async () => {
    const p = prefix();
    const connectionTtlMs = 1000;
    const live = new RedisPresenceStore(server.client(), { prefix: p, connectionTtlMs });
    const dying = new RedisPresenceStore(server.client(), { prefix: p, connectionTtlMs });
    const [stays, goes] = [uniqueId('user'), uniqueId('user')];
    await live.connect(stays, 'c1');
    await dying.connect(goes, 'c2');
    const before = Date.now();
    // A replica killed with -9 never disconnects: its heartbeat simply stops.
    await dying.close();
    const states = await pollUntil(
      () => live.states([stays, goes]),
      (s) => s.get(goes)?.online === false,
      { timeoutMs: 10_000 },
    );
    expect(states.get(stays)?.online).toBe(true);
    const lastSeen = Date.parse(states.get(goes)?.lastSeenAt ?? '');
    expect(lastSeen).toBeGreaterThanOrEqual(before - 1000);
    // Well past several TTLs, the live replica's heartbeat still holds its user online.
    await pollUntil(
      () => Promise.resolve(Date.now() - before),
      (elapsed) => elapsed > 3 * connectionTtlMs,
      { timeoutMs: 10_000 },
    );
    expect((await live.states([stays])).get(stays)?.online).toBe(true);
    expect(await live.connect(goes, 'c3')).toBe(true);
    await live.close();
  });
});
