import type { Ack } from '@chat/contracts';
import { startRedis, type ManagedProcess } from '@chat/local-cluster';
import { ChatClient, pollUntil } from '@chat/test-support';
import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimits } from '../../src/chat/rate-limits.js';
import type { RateLimitConfig } from '../../src/config/config.js';
import { freePort } from '../support/gateway-process.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const TYPING_PER_SEC = 3;
const EVENTS_BURST = 8;
// EVENTS_BURST points per EVENTS_BURST / EVENTS_PER_SEC = 8 s.
const EVENTS_PER_SEC = 1;
const FLOOD = 40;

const codes = (acks: Ack<unknown>[]) => acks.map((a) => (a.ok ? 'OK' : a.error.code));

/**
 * An upper bound of what a fixed-window limiter may accept between `startedAt` and now, however
 * slow the machine was: `points` per window, windows of `windowMs` back to back.
 */
const allowedSince = (startedAt: number, points: number, windowMs: number) =>
  points * (Math.floor((Date.now() - startedAt) / windowMs) + 1);

describe('per-user limits on typing and on every other event (embedded mode)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({
      RATE_LIMIT_TYPING_PER_SEC: String(TYPING_PER_SEC),
      RATE_LIMIT_EVENTS_PER_SEC: String(EVENTS_PER_SEC),
      RATE_LIMIT_EVENTS_BURST: String(EVENTS_BURST),
    });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('answers a typing flood with RATE_LIMITED and relays only the accepted events', async () => {
    const flooder = await ChatClient.connect(app.url, 'flooder');
    const member = await ChatClient.connect(app.url, 'member');
    try {
      const { room } = await flooder.ok('create_room', { name: 'flood', participants: ['member'] });
      const { roomId } = room;
      // Stops pass the relay's 2 s throttle every time: only the limit stands in their way.
      const startedAt = Date.now();
      const acks = await Promise.all(
        Array.from({ length: FLOOD }, () => flooder.request('typing', { roomId, isTyping: false })),
      );
      const allowed = allowedSince(startedAt, TYPING_PER_SEC, 1000);
      const accepted = codes(acks).filter((c) => c === 'OK').length;
      expect(new Set(codes(acks))).toEqual(new Set(['OK', 'RATE_LIMITED']));
      expect(accepted).toBeGreaterThan(0);
      expect(accepted).toBeLessThanOrEqual(allowed);
      const refused = acks.find((a) => !a.ok);
      expect(refused?.ok === false && refused.error.message).toMatch(/try again in \d+ s/);

      // Other budgets are untouched: the flooder still reads and sends at once.
      await flooder.ok('get_messages', { roomId });
      const sent = await flooder.ok('send_message', { roomId, content: 'after the flood' });
      // The message is emitted after every relayed typing event: the member has them all now.
      await member.waitFor('receive_message', (m) => m.id === sent.id);
      const relayed = member.events('typing', (e) => e.userId === 'flooder' && e.roomId === roomId);
      expect(relayed).toHaveLength(accepted);
      expect(relayed.length).toBeLessThanOrEqual(allowed);
      expect(flooder.events('typing')).toEqual([]);

      // Once the window has passed, typing is accepted and relayed again.
      await pollUntil(
        () => flooder.request('typing', { roomId, isTyping: true }),
        (ack) => ack.ok,
        { timeoutMs: 15_000, what: 'typing to be accepted again' },
      );
      await member.waitFor('typing', (e) => e.userId === 'flooder' && e.isTyping);
      expect((await flooder.ok('register', {})).user.id).toBe('flooder');
    } finally {
      flooder.close();
      member.close();
    }
  });

  it('limits typing per user, not per room or per connection', async () => {
    const spreader = await ChatClient.connect(app.url, 'spreader');
    const again = await ChatClient.connect(app.url, 'spreader', spreader.token);
    const bystander = await ChatClient.connect(app.url, 'bystander');
    try {
      const rooms = await Promise.all(
        [0, 1, 2, 3].map(async (i) => {
          const { room } = await spreader.ok('create_room', { name: `r${i}`, participants: [] });
          return room.roomId;
        }),
      );
      const startedAt = Date.now();
      const acks = await Promise.all(
        Array.from({ length: FLOOD }, (_, i) =>
          (i % 2 ? spreader : again).request('typing', {
            roomId: rooms[i % rooms.length] ?? '',
            isTyping: i % 3 === 0,
          }),
        ),
      );
      const accepted = codes(acks).filter((c) => c === 'OK').length;
      expect(codes(acks)).toContain('RATE_LIMITED');
      expect(accepted).toBeLessThanOrEqual(allowedSince(startedAt, TYPING_PER_SEC, 1000));
      // Someone else's budget is their own.
      const { room } = await bystander.ok('create_room', { name: 'calm', participants: [] });
      await bystander.ok('typing', { roomId: room.roomId, isTyping: true });
    } finally {
      for (const client of [spreader, again, bystander]) client.close();
    }
  });

  it('shares one budget among the other events; typing and messages keep their own', async () => {
    const reader = await ChatClient.connect(app.url, 'reader');
    try {
      const { room } = await reader.ok('create_room', { name: 'reads', participants: [] });
      const { roomId } = room;
      const { seq } = await reader.ok('send_message', { roomId, content: 'hello' });
      const startedAt = Date.now();
      const acks = await Promise.all(
        Array.from({ length: FLOOD }, (_, i) => {
          switch (i % 6) {
            case 0:
              return reader.request('get_messages', { roomId });
            case 1:
              return reader.request('mark_read', { roomId, seq });
            case 2:
              return reader.request('get_users', {});
            case 3:
              return reader.request('join_room', { roomId });
            case 4:
              return reader.request('invite', { roomId, userIds: ['reader'] });
            default:
              return reader.request('register', {});
          }
        }),
      );
      const accepted = codes(acks).filter((c) => c === 'OK').length;
      expect(new Set(codes(acks))).toEqual(new Set(['OK', 'RATE_LIMITED']));
      expect(accepted).toBeLessThanOrEqual(
        allowedSince(startedAt, EVENTS_BURST, (EVENTS_BURST / EVENTS_PER_SEC) * 1000),
      );
      // The writes with their own limits still go through while the reads are refused.
      await reader.ok('typing', { roomId, isTyping: true });
      await reader.ok('send_message', { roomId, content: 'still here' });
    } finally {
      reader.close();
    }
  });
});

describe('per-user limits with Redis: one budget for every replica', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chat-gateway-limits-'));
  let redis: ManagedProcess;
  const clients: Redis[] = [];
  let replicas: RateLimits[] = [];

  const config: RateLimitConfig = {
    messagesPerSec: 1,
    messagesBurst: 60,
    roomsPerMin: 0,
    searchesPerSec: 0,
    typingPerSec: TYPING_PER_SEC,
    eventsPerSec: 1,
    eventsBurst: 60,
    sessionsPerMin: 0,
    uploadBytesPerMin: 0,
    signinFailuresPerAccount: 0,
    signinFailuresPerIp: 0,
  };

  const outcome = (run: Promise<void>) =>
    run.then(
      () => 'OK',
      (error: unknown) => (error as { code?: string }).code ?? String(error),
    );

  beforeAll(async () => {
    const port = await freePort();
    redis = await startRedis(port, dir);
    // Two gateways' limiters, each over its own connection, as two replicas would have.
    replicas = [0, 1].map(() => {
      const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: null });
      clients.push(client);
      return new RateLimits(config, client);
    });
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['message', 60],
    ['event', 60],
  ] as const)('counts %s points taken on either replica against one budget', async (action, n) => {
    const [a, b] = replicas;
    if (!a || !b) throw new Error('no replicas');
    // 60 points per 60 s window: all of them are spent well inside one window.
    for (let i = 0; i < n; i++) await (i % 2 ? a : b).consume(action, 'shared-user');
    expect(await outcome(a.consume(action, 'shared-user'))).toBe('RATE_LIMITED');
    expect(await outcome(b.consume(action, 'shared-user'))).toBe('RATE_LIMITED');
    expect(await outcome(b.consume(action, 'someone-else'))).toBe('OK');
  });

  it("keeps each deployment's counters under its REDIS_KEY_PREFIX", async () => {
    const client = clients[0];
    if (!client) throw new Error('no client');
    const tenantA = new RateLimits(config, client, 'tenant-a');
    const tenantB = new RateLimits(config, client, 'tenant-b');
    for (let i = 0; i < 60; i++) await tenantA.consume('message', 'same-user-id');
    expect(await outcome(tenantA.consume('message', 'same-user-id'))).toBe('RATE_LIMITED');
    expect(await outcome(tenantB.consume('message', 'same-user-id'))).toBe('OK');
    expect(await client.keys('tenant-a:rl:message*')).not.toEqual([]);
    expect(await client.keys('chat:rl:*same-user-id*')).toEqual([]);
  });

  it('refuses typing on one replica once the other has spent the budget', async () => {
    const [a, b] = replicas;
    if (!a || !b) throw new Error('no replicas');
    // Windows are 1 s: fill one on replica a, then ask b at once. Should the window have
    // ended in between (a very slow machine), start over; an unshared budget never refuses.
    let refusedOnB = false;
    for (let attempt = 0; attempt < 5 && !refusedOnB; attempt++) {
      const user = `typist-${attempt}`;
      let spent = 0;
      while ((await outcome(a.consume('typing', user))) === 'OK') spent++;
      expect(spent).toBeGreaterThan(0);
      refusedOnB = (await outcome(b.consume('typing', user))) === 'RATE_LIMITED';
    }
    expect(refusedOnB).toBe(true);
  });
});
