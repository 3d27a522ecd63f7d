import { randomUUID } from 'node:crypto';
import {
  describeConsumerGroupsConformance,
  describeEventLogConformance,
  uniqueId,
} from '@chat/core/conformance';
import { pollUntil } from '@chat/test-support/poll';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStreamsEventLog } from '../../src/redis/redis-streams-event-log.js';
import { connectRedis } from '../../src/scaled.js';
import { StreamLogLayout } from '../../src/redis/stream-log-layout.js';
import {
  startRedisCluster,
  startRedisServer,
  type RedisClusterServer,
  type RedisServer,
} from '../support/redis-server.js';
import { startReplyDroppingProxy } from '../support/reply-dropping-proxy.js';

let server: RedisServer;
let cluster: RedisClusterServer;
beforeAll(async () => {
  [server, cluster] = await Promise.all([startRedisServer(), startRedisCluster()]);
});
afterAll(async () => {
  await Promise.all([server.stop(), cluster.stop()]);
});

const prefix = () => `test-${randomUUID().slice(0, 8)}`;

describeEventLogConformance(`${RedisStreamsEventLog.name} on redis-server`, async () => {
  const sut = new RedisStreamsEventLog(server.client(), { prefix: prefix(), shards: 4 });
  await sut.ping();
  return { sut, cleanup: () => sut.close() };
});

describeEventLogConformance(`${RedisStreamsEventLog.name} on a 3-node Redis Cluster`, async () => {
  const sut = new RedisStreamsEventLog(cluster.client(), { prefix: prefix(), shards: 8 });
  await sut.ping();
  return { sut, cleanup: () => sut.close() };
});

/** The log and the stream consumer groups reading it, closed together. */
const withGroups = (log: RedisStreamsEventLog) => ({
  sut: { log, groups: log.groups },
  cleanup: async () => {
    await log.groups.close();
    await log.close();
  },
});

describeConsumerGroupsConformance(`StreamConsumerGroups on redis-server`, async () => {
  const log = new RedisStreamsEventLog(server.client(), { prefix: prefix(), shards: 4 });
  await log.ping();
  return withGroups(log);
});

describeConsumerGroupsConformance(`StreamConsumerGroups on a 3-node Redis Cluster`, async () => {
  const log = new RedisStreamsEventLog(cluster.client(), { prefix: prefix(), shards: 8 });
  await log.ping();
  return withGroups(log);
});

const draft = (roomId: string, content: string, clientMsgId?: string) => ({
  id: uniqueId('msg'),
  roomId,
  userId: 'alice',
  content,
  kind: 'user' as const,
  createdAt: new Date().toISOString(),
  ...(clientMsgId !== undefined && { clientMsgId }),
});

describe(`${RedisStreamsEventLog.name} specifics`, () => {
  it('keeps only the newest windowSize messages in the hot window', async () => {
    const sut = new RedisStreamsEventLog(server.client(), { prefix: prefix(), windowSize: 3 });
    const roomId = uniqueId('room');
    for (let i = 1; i <= 5; i++) await sut.appendMessage(draft(roomId, `m${i}`));
    expect((await sut.window(roomId, { limit: 10 })).map((m) => m.seq)).toEqual([3, 4, 5]);
    expect((await sut.window(roomId, { after: 0, limit: 10 })).map((m) => m.seq)).toEqual([
      3, 4, 5,
    ]);
    await sut.groups.close();
    await sut.close();
  });

  it('remembers a clientMsgId for at least 24 hours', async () => {
    const redis = server.client();
    const p = prefix();
    const sut = new RedisStreamsEventLog(redis, { prefix: p, dedupeTtlMs: 1000 });
    const roomId = uniqueId('room');
    await sut.appendMessage(draft(roomId, 'x', 'c-1'));
    const key = new StreamLogLayout(p, 16).dedupe(roomId, 'alice', 'c-1');
    expect(await redis.pttl(key)).toBeGreaterThan(24 * 3600_000 - 60_000);
    await sut.groups.close();
    await sut.close();
  });

  it('puts every key of a room in the slot of its shard stream', async () => {
    const redis = cluster.client();
    const layout = new StreamLogLayout('chat', 16);
    const roomId = 'room-{with}-braces:and:colons';
    const shard = layout.shardOf(roomId);
    const slot = async (key: string) => Number(await redis.call('CLUSTER', ['KEYSLOT', key]));
    const streamSlot = await slot(layout.stream(shard));
    for (const key of [
      layout.seq(roomId),
      layout.window(roomId),
      layout.dedupe(roomId, 'u', 'c'),
      layout.deadLetters(shard),
      layout.deadLetterCounts(shard),
    ]) {
      expect(await slot(key), key).toBe(streamSlot);
    }
  });

  it('ends a blocked read with no entries when the log is closed', async () => {
    const sut = new RedisStreamsEventLog(server.client(), { prefix: prefix(), shards: 2 });
    const group = uniqueId('group');
    await sut.groups.ensureGroup(group);
    const started = Date.now();
    const reading = sut.groups.read(group, 'c1', 10, 30_000);
    await pollUntil(
      () => Promise.resolve(Date.now() - started),
      (elapsed) => elapsed > 50,
    );
    await sut.groups.close();
    await sut.close();
    expect(await reading).toEqual([]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('tells the subscriber when its feed is back after the connection dropped, and feeds again', async () => {
    const sut = new RedisStreamsEventLog(server.client(), { prefix: prefix(), shards: 2 });
    const fed: string[] = [];
    let resumed = 0;
    const unsubscribe = await sut.subscribe(
      (message) => fed.push(message.content),
      () => (resumed += 1),
    );
    const roomId = uniqueId('room');
    await sut.appendMessage(draft(roomId, 'before'));
    await pollUntil(
      () => Promise.resolve(fed),
      (f) => f.includes('before'),
    );
    expect(resumed).toBe(0);
    // Redis drops every pub/sub connection (as in a restart): the feed is interrupted.
    await server.client().call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await pollUntil(
      () => Promise.resolve(resumed),
      (n) => n === 1,
      { timeoutMs: 10_000 },
    );
    await sut.appendMessage(draft(roomId, 'after'));
    await pollUntil(
      () => Promise.resolve(fed),
      (f) => f.includes('after'),
    );
    expect(fed).toEqual(['before', 'after']);
    await unsubscribe();
    await sut.close();
  });

  it('trims nothing while no consumer group exists', async () => {
    const sut = new RedisStreamsEventLog(server.client(), { prefix: prefix(), shards: 2 });
    await sut.appendMessage(draft(uniqueId('room'), 'kept'));
    expect(await sut.groups.trim()).toBe(0);
    await sut.groups.close();
    await sut.close();
  });

  it('keeps the dead-lettered entry with its reason in the dead-letter stream', async () => {
    const sut = new RedisStreamsEventLog(cluster.client(), { prefix: prefix(), shards: 4 });
    const group = uniqueId('group');
    await sut.groups.ensureGroup(group);
    await sut.appendMessage(draft(uniqueId('room'), 'poison?'));
    const [entry] = await sut.groups.read(group, 'c1', 1, 0);
    if (!entry) throw new Error('nothing read');
    await sut.groups.deadLetter(group, entry, 'failed validation');
    await sut.groups.deadLetter(group, entry, 'failed validation');
    expect(await sut.groups.deadLetters(10)).toEqual([
      { group, entryId: entry.entryId, raw: entry.raw, reason: 'failed validation' },
    ]);
    expect((await sut.groups.stats(group)).deadLetters).toBe(1);
    await sut.groups.close();
    await sut.close();
  });
});

describe(`${RedisStreamsEventLog.name} when a reply is lost`, () => {
  it('appends a message once when the connection drops after Redis ran the append', async () => {
    const proxy = await startReplyDroppingProxy(server.port);
    const client = connectRedis({ REDIS_URL: proxy.url, REDIS_CLUSTER: false });
    const sut = new RedisStreamsEventLog(client, { prefix: prefix(), shards: 2 });
    try {
      const roomId = uniqueId('room');
      await sut.appendMessage(draft(roomId, 'before'));
      proxy.dropReplyTo('lost-reply');
      // The client re-sends the command after reconnecting; Redis has already run it once.
      const { message } = await sut.appendMessage(draft(roomId, 'lost-reply'));
      expect(proxy.dropped).toBe(1);
      expect(message.seq).toBe(2);
      const logged = await sut.window(roomId, { after: 0, limit: 10 });
      expect(logged.map((m) => [m.seq, m.content])).toEqual([
        [1, 'before'],
        [2, 'lost-reply'],
      ]);
      expect((await sut.lastSeqs([roomId])).get(roomId)).toBe(2);
    } finally {
      await sut.groups.close();
      await sut.close();
      client.disconnect();
      await proxy.close();
    }
  });

  it('refuses a draft without clientMsgId older than maxDraftAgeMs, so no re-send outlives its mark', async () => {
    const sut = new RedisStreamsEventLog(server.client(), {
      prefix: prefix(),
      maxDraftAgeMs: 60_000,
    });
    const roomId = uniqueId('room');
    const old = {
      ...draft(roomId, 'late'),
      createdAt: new Date(Date.now() - 120_000).toISOString(),
    };
    await expect(sut.appendMessage(old)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect((await sut.lastSeqs([roomId])).get(roomId)).toBe(0);
    // With a clientMsgId the 24 h dedupe covers any re-send: an old draft is taken.
    const { message } = await sut.appendMessage({ ...old, clientMsgId: 'c1' });
    expect(message.seq).toBe(1);
  });
});
