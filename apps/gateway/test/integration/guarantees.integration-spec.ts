import type { Room } from '@chat/contracts';
import { ChatClient, pollUntil, NO_RATE_LIMITS } from '@chat/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('delivery guarantees (embedded mode)', () => {
  let app: TestApp;
  let alice: ChatClient;
  let aliceAgain: ChatClient;
  let bob: ChatClient;
  let carol: ChatClient;
  let mallory: ChatClient;
  let room: Room;

  beforeAll(async () => {
    app = await startTestApp(NO_RATE_LIMITS);
    alice = await ChatClient.connect(app.url, 'alice');
    aliceAgain = await ChatClient.connect(app.url, 'alice', alice.token);
    bob = await ChatClient.connect(app.url, 'bob');
    carol = await ChatClient.connect(app.url, 'carol');
    mallory = await ChatClient.connect(app.url, 'mallory');
    ({ room } = await alice.ok('create_room', { name: 'private', participants: ['bob', 'carol'] }));
  });

  afterAll(async () => {
    for (const client of [alice, aliceAgain, bob, carol, mallory]) client?.close();
    await app?.destroy();
  });

  it('returns the first ack and stores one message when a clientMsgId is retried', async () => {
    const first = await bob.ok('send_message', {
      roomId: room.roomId,
      content: 'once',
      clientMsgId: 'retry-1',
    });
    const retry = await bob.ok('send_message', {
      roomId: room.roomId,
      content: 'changed',
      clientMsgId: 'retry-1',
    });
    expect(retry).toEqual(first);
    const page = await alice.ok('get_messages', { roomId: room.roomId, after: first.seq - 1 });
    expect(page.messages.filter((m) => m.clientMsgId === 'retry-1')).toEqual([
      expect.objectContaining({ id: first.id, content: 'once' }),
    ]);
    await alice.waitFor('receive_message', (m) => m.id === first.id);
    expect(alice.events('receive_message', (m) => m.clientMsgId === 'retry-1')).toHaveLength(1);
  });

  it('assigns strictly increasing seqs under concurrent senders, the same order for everyone', async () => {
    const senders = [alice, bob, carol];
    const acks = await Promise.all(
      senders.flatMap((client) =>
        Array.from({ length: 30 }, (_, i) =>
          client.ok('send_message', { roomId: room.roomId, content: `${client.userId} ${i}` }),
        ),
      ),
    );
    const seqs = acks.map((a) => a.seq).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(90);
    const lastSeq = seqs.at(-1) ?? 0;
    for (const member of [alice, aliceAgain, bob, carol]) {
      const received = await pollUntil(
        () =>
          member.events(
            'receive_message',
            (m) => m.roomId === room.roomId && m.seq >= (seqs[0] ?? 0),
          ),
        (list) => list.length === 90,
        { timeoutMs: 10_000, what: `90 deliveries to ${member.userId}` },
      );
      const order = received.map((m) => m.seq);
      expect(order).toEqual(seqs);
      expect(order.at(-1)).toBe(lastSeq);
    }
  });

  it('refuses a non-member on every room event with FORBIDDEN', async () => {
    const roomId = room.roomId;
    const attempts = await Promise.all([
      mallory.request('join_room', { roomId }),
      mallory.request('join_room', { roomId, userId: 'mallory' }),
      mallory.request('join_room', { roomId, userId: 'bob' }),
      mallory.request('invite', { roomId, userIds: ['mallory'] }),
      mallory.request('leave_room', { roomId }),
      mallory.request('delete_room', { roomId }),
      mallory.request('send_message', { roomId, content: 'let me in' }),
      mallory.request('typing', { roomId, isTyping: true }),
      mallory.request('get_messages', { roomId }),
      mallory.request('search', { query: 'once', roomId }),
      mallory.request('mark_read', { roomId, seq: 1 }),
    ]);
    for (const res of attempts)
      expect(res).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const rest = await fetch(`${app.url}/chat/rooms/${roomId}/messages`, {
      headers: { authorization: `Bearer ${mallory.token}` },
    });
    expect(rest.status).toBe(403);
    expect(await rest.json()).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lets a non-member see nothing of the room: delivery, history, search, typing, presence, reads', async () => {
    const marker = `secret-${Date.now()}`;
    const sent = await bob.ok('send_message', { roomId: room.roomId, content: marker });
    await bob.ok('typing', { roomId: room.roomId, isTyping: true });
    await carol.ok('mark_read', { roomId: room.roomId, seq: sent.seq });
    await pollUntil(
      () => alice.ok('search', { query: marker }),
      (r) => r.hits.length === 1,
      { timeoutMs: 5000, what: 'the marker to be searchable' },
    );
    // A member going offline and back emits presence to peers; the outsider must not hear it.
    bob.close();
    const offline = await alice.waitFor('presence', (e) => e.userId === 'bob' && !e.online);
    expect(Number.isNaN(Date.parse(offline.lastSeenAt ?? ''))).toBe(false);
    const bobAgain = await ChatClient.connect(app.url, 'bob', bob.token);
    await alice.waitFor('presence', (e) => e.userId === 'bob' && e.online);
    await alice.waitFor('read', (e) => e.userId === 'carol' && e.seq === sent.seq);
    await alice.waitFor('typing', (e) => e.userId === 'bob');
    expect((await mallory.ok('search', { query: marker })).hits).toEqual([]);
    expect((await mallory.ok('register', {})).rooms).toEqual([]);
    const leaked = mallory.received.filter(
      (r) =>
        JSON.stringify(r.payload).includes(room.roomId) ||
        JSON.stringify(r.payload).includes('"bob"'),
    );
    expect(leaked).toEqual([]);
    bob = bobAgain;
  });

  it('delivers everything to a second connection of the same user', async () => {
    const sent = await bob.ok('send_message', { roomId: room.roomId, content: 'to both tabs' });
    // A stop is never throttled, so it is relayed even right after the start above.
    await bob.ok('typing', { roomId: room.roomId, isTyping: false });
    for (const tab of [alice, aliceAgain]) {
      await tab.waitFor('receive_message', (m) => m.id === sent.id);
    }
    await pollUntil(
      () => aliceAgain.events('typing', (e) => e.userId === 'bob' && !e.isTyping),
      (l) => l.length > 0,
    );
    const { room: created } = await bob.ok('create_room', { participants: ['alice'] });
    for (const tab of [alice, aliceAgain]) {
      await tab.waitFor('room_invite', (e) => e.roomId === created.roomId);
    }
    const later = await bob.ok('send_message', { roomId: created.roomId, content: 'new room' });
    await aliceAgain.waitFor('receive_message', (m) => m.id === later.id);
  });
});
