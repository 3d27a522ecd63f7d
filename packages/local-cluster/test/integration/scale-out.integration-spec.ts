import { ChatClient, pollUntil } from '@chat/test-support';
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClusterFixture, type ClusterFixture } from '../support/cluster-fixture.js';

describe('two gateway replicas on one Redis', () => {
  let f: ClusterFixture;
  let alice: ChatClient; // on replica A
  let bob: ChatClient; // on replica B
  let carol: ChatClient; // through nginx

  beforeAll(async () => {
    f = await startClusterFixture();
    const [a, b] = f.replicas as [string, string];
    alice = await ChatClient.connect(a, 'alice');
    bob = await ChatClient.connect(b, 'bob');
    carol = await ChatClient.connect(f.cluster.url, 'carol', undefined, { sticky: 'carol' });
  });

  afterAll(async () => {
    for (const c of [alice, bob, carol]) c?.close();
    await f?.destroy();
  });

  it('runs a redis-server that requires the password the replicas connect with, as compose does', async () => {
    const url = new URL(f.cluster.redisUrl);
    expect(url.password).not.toBe('');
    const withPassword = new Redis(f.cluster.redisUrl, { lazyConnect: true });
    const without = new Redis({
      host: url.hostname,
      port: Number(url.port),
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    without.on('error', () => undefined); // the refusal below is the point
    try {
      expect(await withPassword.ping()).toBe('PONG');
      await expect(without.ping()).rejects.toThrow(/NOAUTH/);
      expect(f.cluster.env['REDIS_URL']).toBe(f.cluster.redisUrl);
      const cmdline = readFileSync(`/proc/${String(f.cluster.redis.pid)}/cmdline`, 'utf8');
      expect(cmdline).not.toContain(decodeURIComponent(url.password));
    } finally {
      withPassword.disconnect();
      without.disconnect();
    }
  });

  it('carries rooms, typing, messages, invites, leave and delete across replicas', async () => {
    const { room } = await alice.ok('create_room', { name: 'across', participants: ['bob'] });
    await bob.waitFor('room_invite', (e) => e.roomId === room.roomId);

    await bob.ok('typing', { roomId: room.roomId, isTyping: true });
    await alice.waitFor('typing', (e) => e.userId === 'bob' && e.isTyping);
    expect(bob.events('typing')).toEqual([]);

    const fromA = await alice.ok('send_message', { roomId: room.roomId, content: 'from A' });
    const fromB = await bob.ok('send_message', { roomId: room.roomId, content: 'from B' });
    await bob.waitFor('receive_message', (m) => m.id === fromA.id);
    await alice.waitFor('receive_message', (m) => m.id === fromB.id);

    await bob.ok('invite', { roomId: room.roomId, userIds: ['carol'] });
    await carol.waitFor('room_invite', (e) => e.roomId === room.roomId && e.by === 'bob');
    await alice.waitFor('system', (e) => e.roomId === room.roomId);
    const fromC = await carol.ok('send_message', { roomId: room.roomId, content: 'from nginx' });
    await alice.waitFor('receive_message', (m) => m.id === fromC.id);
    await bob.waitFor('receive_message', (m) => m.id === fromC.id);

    await carol.ok('leave_room', { roomId: room.roomId });
    await alice.waitFor(
      'room_updated',
      (r) => r.roomId === room.roomId && r.participants.length === 2,
    );
    await carol.waitFor(
      'room_updated',
      (r) => r.roomId === room.roomId && !r.participants.includes('carol'),
    );

    await alice.ok('delete_room', { roomId: room.roomId });
    await bob.waitFor('room_deleted', (e) => e.roomId === room.roomId);
  });

  it('shows presence across replicas', async () => {
    await alice.ok('create_room', { name: 'presence', participants: ['bob'] });
    const bobToo = await ChatClient.connect(f.replicas[1] ?? '', 'bob', bob.token);
    bob.close();
    // Another connection of bob remains: he stays online.
    expect(alice.events('presence', (e) => e.userId === 'bob' && !e.online)).toEqual([]);
    bobToo.close();
    await alice.waitFor('presence', (e) => e.userId === 'bob' && !e.online);
    bob = await ChatClient.connect(f.replicas[1] ?? '', 'bob', bob.token);
    await alice.waitFor('presence', (e) => e.userId === 'bob' && e.online);
  });

  it('gives every member the same seq order under concurrent senders on both replicas', async () => {
    const { room } = await alice.ok('create_room', {
      name: 'order',
      participants: ['bob', 'carol'],
    });
    await bob.waitFor('room_invite', (e) => e.roomId === room.roomId);
    const senders = [alice, bob, carol];
    const acks = await Promise.all(
      senders.flatMap((c) =>
        Array.from({ length: 40 }, (_, i) =>
          c.ok('send_message', { roomId: room.roomId, content: `${c.userId}-${i}` }),
        ),
      ),
    );
    const seqs = acks.map((a) => a.seq).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(120);
    const acked = new Map(acks.map((a) => [a.seq, a.id]));
    for (const member of senders) {
      const got = await pollUntil(
        () => member.events('receive_message', (m) => m.roomId === room.roomId),
        (l) => l.length === 120,
        { timeoutMs: 15_000, what: `120 deliveries to ${member.userId}` },
      );
      // Delivery follows the log: every member receives the room's messages in seq order.
      expect(got.map((m) => m.seq)).toEqual(seqs);
      expect(got.every((m) => acked.get(m.seq) === m.id)).toBe(true);
    }
  });

  it('answers UNAVAILABLE and acks nothing when Redis refuses writes at its memory cap', async () => {
    const { room } = await alice.ok('create_room', { name: 'full redis', participants: ['bob'] });
    const admin = new Redis(f.cluster.redisUrl);
    try {
      // A cap below what Redis holds: with noeviction every write is refused with OOM.
      await admin.config('SET', 'maxmemory', '1');
      const refused = await alice.request('send_message', {
        roomId: room.roomId,
        content: 'over the cap',
      });
      expect(refused.ok ? 'acked' : refused.error.code).toBe('UNAVAILABLE');
    } finally {
      await admin.config('SET', 'maxmemory', '0');
      admin.disconnect();
    }
    const page = await bob.ok('get_messages', { roomId: room.roomId });
    expect(page.messages.filter((m) => m.kind === 'user')).toEqual([]);
    // Writes pass again once Redis has room.
    const ack = await alice.ok('send_message', { roomId: room.roomId, content: 'fits again' });
    await bob.waitFor('receive_message', (m) => m.id === ack.id);
  });

  it('keeps every replica routable (/serving) while DynamoDB is down, and not while Redis is', async () => {
    const status = (path: string) =>
      Promise.all(f.replicas.map((r) => fetch(`${r}${path}`).then((res) => res.status)));
    expect(await status('/serving')).toEqual([200, 200]);

    await f.cluster.dynalite.kill('SIGKILL');
    await pollUntil(
      () => status('/ready'),
      (s) => s.every((c) => c === 503),
      { timeoutMs: 30_000, what: '/ready 503' },
    );
    // The load balancer's probe: the replicas still accept and log messages.
    expect(await status('/serving')).toEqual([200, 200]);
    await f.cluster.restartDynalite();
    await pollUntil(
      () => status('/ready'),
      (s) => s.every((c) => c === 200),
      { timeoutMs: 30_000, what: '/ready 200' },
    );

    await f.cluster.redis.stop();
    await pollUntil(
      () => status('/serving'),
      (s) => s.every((c) => c === 503),
      { timeoutMs: 30_000, what: '/serving 503 without Redis' },
    );
    await f.cluster.restartRedis();
    await pollUntil(
      () => status('/serving'),
      (s) => s.every((c) => c === 200),
      { timeoutMs: 30_000, what: '/serving 200 with Redis back' },
    );
  });

  it('serves a message from history right after its ack while the sink is stopped', async () => {
    const sink = f.cluster.sinks[0];
    await sink?.kill('SIGKILL');
    const { room } = await bob.ok('create_room', { name: 'no hole', participants: ['alice'] });
    const ack = await bob.ok('send_message', { roomId: room.roomId, content: 'before the sink' });
    const page = await alice.ok('get_messages', { roomId: room.roomId });
    expect(page.messages.map((m) => m.id)).toEqual([ack.id]);
    expect(await f.stored(room.roomId)).toEqual([]);
    await f.cluster.startSink(0);
    await pollUntil(
      () => f.stored(room.roomId),
      (m) => m.length === 1,
      { timeoutMs: 15_000, what: 'the sink to catch up' },
    );
  });
});
