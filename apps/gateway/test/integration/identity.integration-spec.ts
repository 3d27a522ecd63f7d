import { ChatClient, createSession, pollUntil } from '@chat/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Guest tokens (and so name claims) last four seconds here. */
const TTL_MS = 4000;

/** A JWT's `exp`, in seconds. */
const expiry = (token: string): number =>
  (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number })
    .exp;

describe('guest names and the identity behind them', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      GUEST_TOKEN_TTL_DAYS: String(TTL_MS / 86_400_000),
      // The test polls for the name to come free; sign-ins per address are tested apart.
      RATE_LIMIT_SESSIONS_PER_MIN: '0',
    });
  });
  afterAll(() => app?.destroy());

  const claim = (name: string, token?: string) =>
    fetch(`${app.url}/chat/session`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token !== undefined && { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify({ name }),
    });

  it('gives whoever takes an expired name a new user, not the earlier holder’s rooms', async () => {
    const erin = await ChatClient.connect(app.url, 'Erin');
    const friend = await ChatClient.connect(app.url, 'erins-friend');
    const { room } = await erin.ok('create_room', {
      name: 'private',
      participants: ['erins-friend'],
    });
    await erin.ok('send_message', { roomId: room.roomId, content: 'only for my friend' });
    erin.close();

    // Once Erin's claim has lapsed, someone else takes the name, in another letter case.
    const res = await pollUntil(
      () => claim('ERIN'),
      (r) => r.status === 201,
      { timeoutMs: 5 * TTL_MS, what: 'the name to be free again' },
    );
    const { token, user } = (await res.json()) as { token: string; user: { id: string } };
    expect(user.id).not.toBe('erin');
    const newcomer = await ChatClient.connect(app.url, 'ERIN', token);
    const { rooms, user: registered } = await newcomer.ok('register', {});
    expect(registered.id).toBe(user.id);
    expect(rooms).toEqual([]);
    expect(await newcomer.request('get_messages', { roomId: room.roomId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    // What the newcomer says reaches no one as Erin.
    const { room: theirs } = await newcomer.ok('create_room', { participants: ['erins-friend'] });
    await newcomer.ok('send_message', { roomId: theirs.roomId, content: 'hi, it is me' });
    const seen = await friend.waitFor('receive_message', (m) => m.roomId === theirs.roomId);
    expect(seen.userId).toBe(user.id);
    newcomer.close();
    friend.close();
  });

  it('lets the holder renew the name with their token while others get 409', async () => {
    // Its own server, with claims that outlast the test however slow the machine is.
    const lasting = await startTestApp({
      GUEST_TOKEN_TTL_DAYS: String(600_000 / 86_400_000),
      RATE_LIMIT_SESSIONS_PER_MIN: '0',
    });
    try {
      await renewsWhileOthersWait(lasting.url);
    } finally {
      await lasting.destroy();
    }
  });

  async function renewsWhileOthersWait(url: string): Promise<void> {
    const claimAt = (name: string, token?: string) =>
      fetch(`${url}/chat/session`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token !== undefined && { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify({ name }),
      });
    const first = await createSession(url, 'Fay');
    expect((await claimAt('fay')).status).toBe(409);
    // Token expiry is in whole seconds: a renewal a second later carries a later one.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const renewed = await claimAt('Fay', first.token);
    expect(renewed.status).toBe(201);
    const body = (await renewed.json()) as { token: string; user: { id: string } };
    expect(body.user.id).toBe(first.user.id);
    expect(expiry(body.token)).toBeGreaterThan(expiry(first.token));
  }

  it('refuses invisible characters (400) and look-alikes of a held name (409)', async () => {
    await createSession(app.url, 'Hal');
    expect((await claim('Hal\uFE0F')).status).toBe(400);
    expect((await claim('\u3164\u3164')).status).toBe(400);
    // Cyrillic Н, а and Latin l: "Наl" looks like "Hal".
    const lookalike = await claim('\u041d\u0430l');
    expect(lookalike.status).toBe(409);
    expect(await lookalike.json()).toMatchObject({ code: 'NAME_TAKEN' });
  });

  it('says what is wrong with a bad name: too long with the limit, or the refused character', async () => {
    const long = await claim('a'.repeat(200));
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'a name is at most 32 characters; this one has 200',
    });
    const symbol = await claim('ann@home');
    expect(symbol.status).toBe(400);
    expect(((await symbol.json()) as { message: string }).message).toContain('"@"');
    const spaced = await claim('ann lee');
    expect(((await spaced.json()) as { message: string }).message).toContain('a space');
  });

  it('treats an invalid token as no token: a held name stays taken', async () => {
    await createSession(app.url, 'Gus');
    expect((await claim('gus', 'not-a-token')).status).toBe(409);
  });
});
