import { openDatabase, SqliteMessageStore, SqliteSearchIndex } from '@chat/core';
import { ChatClient, pollUntil } from '@chat/test-support';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('chat protocol, end to end over Socket.IO', () => {
  let app: TestApp;
  let alice: ChatClient;
  let bob: ChatClient;
  let carol: ChatClient;

  beforeAll(async () => {
    app = await startTestApp();
    alice = await ChatClient.connect(app.url, 'Alice');
    bob = await ChatClient.connect(app.url, 'bob');
    carol = await ChatClient.connect(app.url, '캐롤');
  });

  afterAll(async () => {
    for (const client of [alice, bob, carol]) client?.close();
    await app?.destroy();
  });

  it('runs the whole scenario: create, invite, join, type, send, page, search, leave, delete', async () => {
    // create_room with a participant: the owner hears room_created, the participant room_invite.
    const { room } = await alice.ok('create_room', { name: 'Team', participants: ['bob'] });
    expect(room).toMatchObject({
      name: 'Team',
      ownerId: 'alice',
      participants: ['alice', 'bob'],
      lastSeq: 0,
    });
    await alice.waitFor('room_created', (r) => r.roomId === room.roomId);
    const invite = await bob.waitFor('room_invite', (e) => e.roomId === room.roomId);
    expect(invite.by).toBe('alice');

    const first = await alice.ok('send_message', {
      roomId: room.roomId,
      content: '  Hello team  ',
    });
    expect(first.seq).toBe(1);

    // join_room returns history and also emits joined_room / receive_messages to the caller.
    const joined = await bob.ok('join_room', { roomId: room.roomId });
    expect('messages' in joined && joined.messages.map((m) => m.content)).toEqual(['Hello team']);
    await bob.waitFor('joined_room', (e) => e.roomId === room.roomId);
    await bob.waitFor(
      'receive_messages',
      (e) => e.roomId === room.roomId && e.messages.length === 1,
    );

    // typing reaches the other member and never the typist.
    await bob.ok('typing', { roomId: room.roomId, isTyping: true });
    await alice.waitFor('typing', (e) => e.userId === 'bob' && e.isTyping);
    expect(bob.events('typing')).toEqual([]);

    // send_message acks {id, seq, createdAt}; receive_message reaches both members.
    const ack = await bob.ok('send_message', {
      roomId: room.roomId,
      content: '채팅방에서 만나요',
      clientMsgId: 'bob-1',
    });
    expect(Object.keys(ack).sort()).toEqual(['createdAt', 'id', 'seq']);
    expect(ack.seq).toBe(2);
    expect(Number.isNaN(Date.parse(ack.createdAt))).toBe(false);
    for (const client of [alice, bob]) {
      const got = await client.waitFor('receive_message', (m) => m.id === ack.id);
      expect(got).toMatchObject({
        roomId: room.roomId,
        seq: 2,
        userId: 'bob',
        kind: 'user',
        clientMsgId: 'bob-1',
      });
    }
    await alice.ok('send_message', { roomId: room.roomId, content: 'third' });

    // get_messages pages by seq.
    const newest = await bob.ok('get_messages', { roomId: room.roomId, limit: 2 });
    expect(newest.messages.map((m) => m.seq)).toEqual([2, 3]);
    expect(newest.hasMore).toBe(true);
    const older = await bob.ok('get_messages', { roomId: room.roomId, before: 2, limit: 2 });
    expect(older).toEqual({ messages: [expect.objectContaining({ seq: 1 })], hasMore: false });
    const newer = await bob.ok('get_messages', { roomId: room.roomId, after: 1, limit: 1 });
    expect(newer.messages.map((m) => m.seq)).toEqual([2]);
    expect(newer.hasMore).toBe(true);

    // search finds English and a Korean word inside a longer word, with highlights.
    const english = await pollUntil(
      () => alice.ok('search', { query: 'hello' }),
      (r) => r.hits.length === 1,
      { timeoutMs: 5000, what: 'english hit' },
    );
    expect(english.hits[0]?.message.id).toBeDefined();
    expect(english.hits[0]?.highlights.join(' ')).toContain('<mark>Hello</mark>');
    const korean = await pollUntil(
      () => bob.ok('search', { query: '채팅', roomId: room.roomId }),
      (r) => r.hits.length === 1,
      { timeoutMs: 5000, what: 'korean hit' },
    );
    expect(korean.hits[0]?.message.id).toBe(ack.id);
    expect(korean.hits[0]?.highlights.join(' ')).toContain('<mark>채팅</mark>방에서');

    // invite a third user: room_invite to them, a system message to the room.
    await alice.ok('invite', { roomId: room.roomId, userIds: ['캐롤'] });
    await carol.waitFor('room_invite', (e) => e.roomId === room.roomId && e.by === 'alice');
    const invited = await bob.waitFor('system', (e) => e.roomId === room.roomId);
    expect(invited.message).toMatchObject({ kind: 'system', userId: 'alice', seq: 4 });
    await carol.ok('send_message', { roomId: room.roomId, content: 'hi from carol' });
    await bob.waitFor('receive_message', (m) => m.userId === '캐롤');

    // leave_room: a system message and room_updated without the leaver.
    await carol.ok('leave_room', { roomId: room.roomId });
    const updated = await alice.waitFor(
      'room_updated',
      (r) => r.roomId === room.roomId && !r.participants.includes('캐롤'),
    );
    expect(updated.participants).toEqual(['alice', 'bob']);
    await carol.waitFor(
      'room_updated',
      (r) => r.roomId === room.roomId && !r.participants.includes('캐롤'),
    );
    const left = await carol.request('get_messages', { roomId: room.roomId });
    expect(left).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // delete_room by the owner: room_deleted, and the messages leave history and search.
    const notOwner = await bob.request('delete_room', { roomId: room.roomId });
    expect(notOwner).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await alice.ok('delete_room', { roomId: room.roomId });
    await bob.waitFor('room_deleted', (e) => e.roomId === room.roomId);
    expect(await bob.request('get_messages', { roomId: room.roomId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect((await alice.ok('search', { query: 'hello' })).hits).toEqual([]);

    // And from the store and index themselves, once the sinks have applied the deletion.
    const db = openDatabase(path.join(app.dataDir, 'chat.db'));
    try {
      const store = new SqliteMessageStore(db);
      const index = new SqliteSearchIndex(db);
      await pollUntil(
        () => store.page(room.roomId, { limit: 100 }),
        (m) => m.length === 0,
        { timeoutMs: 5000, what: 'store purge' },
      );
      const hits = await index.search({
        query: '채팅',
        roomIds: [room.roomId],
        limit: 10,
        sort: 'newest',
      });
      expect(hits.hits).toEqual([]);
    } finally {
      db.close();
    }
  });
});
