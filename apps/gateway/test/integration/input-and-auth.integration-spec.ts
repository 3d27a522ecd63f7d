import { MAX_CONTENT_CODE_POINTS } from '@chat/contracts';
import { SignJWT } from 'jose';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, createSession } from '@chat/test-support';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('sessions, authentication and bad input', () => {
  let app: TestApp;
  let alice: ChatClient;
  let roomId: string;

  beforeAll(async () => {
    app = await startTestApp({ RATE_LIMIT_MESSAGES_PER_SEC: '1', RATE_LIMIT_MESSAGES_BURST: '3' });
    alice = await ChatClient.connect(app.url, 'alice');
    ({
      room: { roomId },
    } = await alice.ok('create_room', { name: 'solo', participants: [] }));
  });

  afterAll(async () => {
    alice?.close();
    await app?.destroy();
  });

  const post = (body: unknown) =>
    fetch(`${app.url}/chat/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('normalises names to ids and answers 409 NAME_TAKEN for a claimed name', async () => {
    const session = await createSession(app.url, '  Dave  ');
    expect(session.user).toEqual({ id: 'dave', name: 'Dave' });
    const taken = await post({ name: 'DAVE' });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ code: 'NAME_TAKEN' });
  });

  it.each([[''], ['a b'], ['x<y'], ['a'.repeat(33)], [42]])(
    'rejects the name %j with 400',
    async (name) => {
      const res = await post({ name });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'BAD_REQUEST' });
    },
  );

  it('refuses a connection without a valid token with connect_error UNAUTHORIZED', async () => {
    for (const token of [undefined, 'not-a-jwt', `${alice.token.slice(0, -2)}xx`]) {
      const socket = io(`${app.url}/chat`, {
        path: '/chat/ws',
        auth: token === undefined ? {} : { token },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      const error = await new Promise<Error & { data?: { code?: string } }>((resolve) =>
        socket.once('connect_error', resolve),
      );
      expect(error.data?.code).toBe('UNAUTHORIZED');
      socket.close();
    }
  });

  it('refuses an expired guest token, even one signed with the real secret', async () => {
    const secret = readFileSync(path.join(app.dataDir, 'auth-secret'), 'utf8').trim();
    const expired = await new SignJWT({ name: 'alice' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer('chat-guest')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(secret));
    const socket = io(`${app.url}/chat`, {
      path: '/chat/ws',
      auth: { token: expired },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    const error = await new Promise<Error & { data?: { code?: string } }>((resolve) =>
      socket.once('connect_error', resolve),
    );
    socket.close();
    expect(error.data?.code).toBe('UNAUTHORIZED');
    const rest = await fetch(`${app.url}/chat/rooms`, {
      headers: { authorization: `Bearer ${expired}` },
    });
    expect(rest.status).toBe(401);
  });

  it('refuses REST calls without a bearer token', async () => {
    const res = await fetch(`${app.url}/chat/rooms`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('answers malformed payloads with BAD_REQUEST and writes nothing', async () => {
    const before = await alice.ok('get_messages', { roomId });
    const bad: [string, unknown][] = [
      ['send_message', 'just a string'],
      ['send_message', { roomId, content: '   ' }],
      ['send_message', { roomId, content: 'x'.repeat(MAX_CONTENT_CODE_POINTS + 1) }],
      ['send_message', { roomId, content: 42 }],
      ['get_messages', { roomId, limit: 101 }],
      ['get_messages', { roomId, limit: 0 }],
      ['get_messages', { roomId, before: 5, after: 1 }],
      ['create_room', { participants: 'bob' }],
      ['search', { query: '' }],
      ['mark_read', { roomId, seq: -1 }],
    ];
    for (const [event, payload] of bad) {
      const res = (await alice.socket
        .timeout(5000)
        .emitWithAck(event as 'typing', payload)) as unknown;
      expect(res, `${event} ${JSON.stringify(payload).slice(0, 40)}`).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    }
    const exactly = await alice.ok('send_message', {
      roomId,
      content: '가'.repeat(MAX_CONTENT_CODE_POINTS),
    });
    expect(exactly.seq).toBe(1);
    const after = await alice.ok('get_messages', { roomId });
    expect(after.messages).toHaveLength(before.messages.length + 1);
  });

  it('reports a failing event sent without an ack as an exception event', async () => {
    alice.socket.emit('send_message', { roomId, content: '' });
    const exception = await alice.waitFor('exception', (e) => e.event === 'send_message');
    expect(exception.code).toBe('BAD_REQUEST');
  });

  it('answers FORBIDDEN for register with another user id and NOT_FOUND for unknown participants', async () => {
    expect(await alice.request('register', { userId: 'bob' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await alice.request('create_room', { participants: ['nobody-here'] })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const { user } = await alice.ok('register', {});
    expect(user).toMatchObject({ id: 'alice', name: 'alice', online: true });
  });

  it('rate-limits messages per user with RATE_LIMITED', async () => {
    const results = [];
    for (let i = 0; i < 6; i++)
      results.push(await alice.request('send_message', { roomId, content: `burst ${i}` }));
    const codes = results.map((r) => (r.ok ? 'ok' : r.error.code));
    expect(codes).toContain('RATE_LIMITED');
    expect(codes[0]).toBe('ok');
  });

  it('drops an oversized frame with its connection only; the server keeps serving', async () => {
    const victim = await ChatClient.connect(app.url, 'victim');
    const closed = new Promise<string>((resolve) => victim.socket.once('disconnect', resolve));
    victim.socket.emit('send_message', { roomId, content: 'x'.repeat(100 * 1024) });
    expect(await closed).toBeTruthy();
    const health = await fetch(`${app.url}/health`);
    expect(health.status).toBe(200);
    expect((await alice.ok('register', {})).user.id).toBe('alice');
  });
});
