import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, createSession, pollUntil } from '@chat/test-support';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('REST endpoints', () => {
  let app: TestApp;
  let alice: ChatClient;
  let bob: ChatClient;
  let roomId: string;

  beforeAll(async () => {
    app = await startTestApp();
    alice = await ChatClient.connect(app.url, 'alice');
    bob = await ChatClient.connect(app.url, 'bob');
    ({
      room: { roomId },
    } = await alice.ok('create_room', { name: 'rest', participants: ['bob'] }));
    for (const content of ['first note', 'second note', '세 번째 메모']) {
      await alice.ok('send_message', { roomId, content });
    }
  });

  afterAll(async () => {
    alice?.close();
    bob?.close();
    await app?.destroy();
  });

  const get = async (path: string, token = bob.token) => {
    const res = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('answers liveness, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    const ready = await fetch(`${app.url}/ready`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/^chat_sink_written_total\{sink="store"\} \d+$/m);
    // The embedded sinks export their groups' lag like the sink worker does.
    expect(metrics).toMatch(/^chat_sink_lag\{sink="store"\} \d+$/m);
    expect(metrics).toMatch(/^chat_sink_lag\{sink="search"\} \d+$/m);
    expect(metrics).toMatch(/^chat_socket_connections 2$/m);
    expect(metrics).toMatch(/^chat_client_events_total\{event="send_message",code="OK"\} 3$/m);
    expect(metrics).toContain('process_resident_memory_bytes');
  });

  it('lists the caller’s rooms with unread counts', async () => {
    const { status, body } = await get('/chat/rooms');
    expect(status).toBe(200);
    expect(body['rooms']).toEqual([expect.objectContaining({ roomId, lastSeq: 3, unread: 3 })]);
  });

  it('pages history with before, after and limit', async () => {
    const newest = await get(`/chat/rooms/${roomId}/messages?limit=2`);
    expect(newest.body).toMatchObject({ hasMore: true });
    expect((newest.body['messages'] as { seq: number }[]).map((m) => m.seq)).toEqual([2, 3]);
    const older = await get(`/chat/rooms/${roomId}/messages?before=2`);
    expect((older.body['messages'] as { seq: number }[]).map((m) => m.seq)).toEqual([1]);
    expect((await get(`/chat/rooms/${roomId}/messages?before=2&after=1`)).status).toBe(400);
    expect((await get(`/chat/rooms/${roomId}/messages?limit=abc`)).status).toBe(400);
    expect((await get(`/chat/rooms/nope/messages`)).status).toBe(404);
  });

  it('searches the caller’s rooms and finds Korean inside words', async () => {
    const { body } = await pollUntil(
      () => get(`/chat/search?q=${encodeURIComponent('메모')}`),
      (r) => Array.isArray(r.body['hits']) && (r.body['hits'] as unknown[]).length === 1,
      { timeoutMs: 5000, what: 'a Korean hit' },
    );
    expect(body['nextCursor']).toBeNull();
    const page1 = await get('/chat/search?q=note&limit=1');
    expect(page1.body['hits']).toHaveLength(1);
    expect(typeof page1.body['nextCursor']).toBe('string');
    const page2 = await get(
      `/chat/search?q=note&limit=1&cursor=${String(page1.body['nextCursor'])}`,
    );
    expect(page2.body['hits']).toHaveLength(1);
    expect(page2.body['nextCursor']).toBeNull();
    expect((await get('/chat/search?q=')).status).toBe(400);
  });

  it('serves the user directory with online state, online first', async () => {
    const { body } = await get('/chat/users?query=');
    const users = body['users'] as { id: string; online: boolean }[];
    expect(users.map((u) => u.id)).toEqual(expect.arrayContaining(['alice', 'bob']));
    expect(users.every((u) => u.online)).toBe(true);
    // Someone who signed in but is not connected sorts after everyone online.
    await createSession(app.url, 'aaron');
    const ordered = (await get('/chat/users')).body['users'] as { id: string; online: boolean }[];
    expect(ordered.map((u) => [u.id, u.online])).toEqual([
      ['alice', true],
      ['bob', true],
      ['aaron', false],
    ]);
    const filtered = await get('/chat/users?query=AL');
    expect((filtered.body['users'] as { id: string }[]).map((u) => u.id)).toEqual(['alice']);
  });
});
