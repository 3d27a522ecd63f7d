import type { SessionListResponse, SessionResponse } from '@chat/contracts';
import { ChatClient, NO_RATE_LIMITS, openSocket } from '@chat/test-support';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOTH_MODES, type TestDeployment } from '../support/test-deployments.js';

const PASSWORD = 'correct horse battery';

/** A name no other test (or earlier run against the same Redis) has used. */
const fresh = (prefix: string) => `${prefix}${randomUUID().slice(0, 8)}`;

/** A REST call; every write carries a JSON body (`{}` when it says nothing), as the API asks. */
const request = (
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; userAgent?: string } = {},
) => {
  const body = options.body ?? (method === 'GET' ? undefined : {});
  return fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(options.token !== undefined && { authorization: `Bearer ${options.token}` }),
      ...(options.userAgent !== undefined && { 'user-agent': options.userAgent }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
};

const session = async (res: Response): Promise<SessionResponse> => {
  if (res.status !== 201) throw new Error(`expected 201, got ${res.status} ${await res.text()}`);
  return (await res.json()) as SessionResponse;
};

/** Resolves once the socket has been disconnected by the server. */
const serverDisconnect = (client: ChatClient) =>
  new Promise<string>((resolve) => client.socket.once('disconnect', resolve));

/** The `connect_error` code a socket with `token` gets, or 'connected'. */
const connectOutcome = (base: string, token: string) =>
  openSocket(base, token).then(
    (socket) => {
      socket.close();
      return 'connected';
    },
    (error: { data?: { code?: string } }) => error.data?.code ?? 'no code',
  );

describe.each(BOTH_MODES)('accounts and sessions, %s', (_mode, deploy) => {
  let d: TestDeployment;
  let one: string;
  let two: string;
  beforeAll(async () => {
    d = await deploy({ ...NO_RATE_LIMITS });
    [one, two] = d.replicas;
  }, 120_000);
  afterAll(() => d?.destroy());

  const signUp = (name: string, password = PASSWORD, token?: string) =>
    request(one, 'POST', '/chat/account', { body: { name, password }, ...(token && { token }) });
  const signIn = (base: string, name: string, password = PASSWORD, userAgent?: string) =>
    request(base, 'POST', '/chat/session', {
      body: { name, password },
      ...(userAgent && { userAgent }),
    });

  it('signs up a name with a password, and signs in with it from another replica', async () => {
    const name = fresh('Ana');
    const created = await session(await signUp(name));
    expect(created).toMatchObject({ user: { id: name.toLowerCase(), name }, account: true });
    const again = await session(await signIn(two, name.toUpperCase()));
    expect(again.user.id).toBe(created.user.id);
    expect(again.sessionId).not.toBe(created.sessionId);
    const client = await ChatClient.connect(two, created.user.id, again.token);
    expect((await client.ok('register', {})).user.id).toBe(created.user.id);
    client.close();
  });

  it('refuses a second sign-up and a guest claim of an account’s name', async () => {
    const name = fresh('Ben');
    await session(await signUp(name));
    const second = await signUp(name.toLowerCase(), 'another password');
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ code: 'NAME_TAKEN' });
    expect((await request(two, 'POST', '/chat/session', { body: { name } })).status).toBe(409);
  });

  it('answers a wrong password and an unknown name alike, and a short password with 400', async () => {
    const name = fresh('Cy');
    await session(await signUp(name));
    const wrong = await signIn(one, name, 'not the password');
    const unknown = await signIn(one, fresh('Nobody'), 'not the password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
    const short = await signUp(fresh('Dee'), 'short');
    expect(short.status).toBe(400);
    expect(await short.json()).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('signs out on the server: the socket on every replica is closed and the token refused; the password brings back the same rooms', async () => {
    const name = fresh('Eve');
    const first = await session(await signUp(name));
    const friend = await ChatClient.connect(one, fresh('friend'));
    const eve = await ChatClient.connect(two, first.user.id, first.token);
    const { room } = await eve.ok('create_room', { name: 'ours', participants: [friend.userId] });
    await eve.ok('send_message', { roomId: room.roomId, content: 'before signing out' });

    const closed = serverDisconnect(eve);
    const out = await request(one, 'DELETE', '/chat/session', { token: first.token });
    expect(out.status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    expect((await request(two, 'GET', '/chat/rooms', { token: first.token })).status).toBe(401);
    expect(await connectOutcome(two, first.token)).toBe('UNAUTHORIZED');
    // The name is still theirs: no "already taken", and no one else can take it as a guest.
    expect((await request(one, 'POST', '/chat/session', { body: { name } })).status).toBe(409);

    const back = await session(await signIn(two, name));
    expect(back.user.id).toBe(first.user.id);
    const again = await ChatClient.connect(one, back.user.id, back.token);
    const { rooms } = await again.ok('register', {});
    expect(rooms.map((r) => r.roomId)).toContain(room.roomId);
    const { messages } = await again.ok('get_messages', { roomId: room.roomId });
    expect(messages.map((m) => m.content)).toContain('before signing out');
    again.close();
    friend.close();
  });

  it('lets a guest claim their name with a password, keeping their id and rooms', async () => {
    const name = fresh('Fox');
    const guest = await session(await request(one, 'POST', '/chat/session', { body: { name } }));
    expect(guest.account).toBe(false);
    const client = await ChatClient.connect(one, guest.user.id, guest.token);
    const { room } = await client.ok('create_room', { name: 'guest room', participants: [] });
    client.close();
    // Nobody else can claim it: a sign-up without the guest's token is refused.
    expect((await signUp(name)).status).toBe(409);
    const claimed = await session(await signUp(name, PASSWORD, guest.token));
    expect(claimed).toMatchObject({ user: { id: guest.user.id }, account: true });
    await request(one, 'DELETE', '/chat/session', { token: claimed.token });

    const back = await session(await signIn(two, name));
    expect(back.user.id).toBe(guest.user.id);
    const again = await ChatClient.connect(two, back.user.id, back.token);
    expect((await again.ok('register', {})).rooms.map((r) => r.roomId)).toEqual([room.roomId]);
    again.close();
  });

  it('frees a guest’s name when they sign out of their last session', async () => {
    const name = fresh('Gil');
    const guest = await session(await request(one, 'POST', '/chat/session', { body: { name } }));
    expect((await request(one, 'POST', '/chat/session', { body: { name } })).status).toBe(409);
    expect((await request(two, 'DELETE', '/chat/session', { token: guest.token })).status).toBe(
      204,
    );
    const next = await request(one, 'POST', '/chat/session', { body: { name } });
    expect(next.status).toBe(201);
    // Whoever takes the name now is a new user: nothing of the earlier guest's is handed over.
    expect((await session(next)).user.id).not.toBe(guest.user.id);
  });

  it('lists the caller’s live sessions and revokes another one on every replica', async () => {
    const name = fresh('Hal');
    const laptop = await session(await signUp(name));
    const phone = await session(await signIn(two, name, PASSWORD, 'Phone browser/1.0'));
    const list = async (token: string) => {
      const res = await request(two, 'GET', '/chat/sessions', { token });
      expect(res.status).toBe(200);
      return ((await res.json()) as SessionListResponse).sessions;
    };
    const sessions = await list(laptop.token);
    expect(sessions.map((s) => s.id).sort()).toEqual([laptop.sessionId, phone.sessionId].sort());
    expect(sessions.find((s) => s.current)?.id).toBe(laptop.sessionId);
    expect(sessions.find((s) => s.id === phone.sessionId)?.userAgent).toBe('Phone browser/1.0');

    const phoneSocket = await ChatClient.connect(two, phone.user.id, phone.token);
    const closed = serverDisconnect(phoneSocket);
    const revoke = (token: string, id: string) =>
      request(one, 'DELETE', `/chat/sessions/${id}`, { token });
    // Someone else's session is not the caller's to end.
    const other = await session(await signUp(fresh('Ivy')));
    expect((await revoke(other.token, phone.sessionId)).status).toBe(404);
    expect((await revoke(laptop.token, phone.sessionId)).status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    expect(await connectOutcome(one, phone.token)).toBe('UNAUTHORIZED');
    expect((await request(one, 'GET', '/chat/sessions', { token: phone.token })).status).toBe(401);
    expect((await list(laptop.token)).map((s) => s.id)).toEqual([laptop.sessionId]);
    expect((await revoke(laptop.token, phone.sessionId)).status).toBe(404);
  });

  it('changes a display name apart from the sign-in name; roommates see it live', async () => {
    const name = fresh('Jo');
    const jo = await session(await signUp(name));
    const mate = await ChatClient.connect(two, fresh('mate'));
    const joClient = await ChatClient.connect(one, jo.user.id, jo.token);
    await joClient.ok('create_room', { participants: [mate.userId] });

    const res = await request(one, 'PUT', '/chat/profile', {
      token: jo.token,
      body: { displayName: '  Jo   Kim  ' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      user: { id: jo.user.id, name, displayName: 'Jo Kim' },
    });
    await mate.waitFor(
      'user_updated',
      (e) => e.userId === jo.user.id && e.displayName === 'Jo Kim',
    );
    const { users } = await mate.ok('get_users', { query: name });
    expect(users).toEqual([expect.objectContaining({ id: jo.user.id, displayName: 'Jo Kim' })]);
    // Clients learn the names of a room's members by id, unknown ids left out.
    const byIds = await mate.ok('get_users', { ids: [jo.user.id, fresh('nobody')] });
    expect(byIds.users).toEqual([
      expect.objectContaining({ id: jo.user.id, name, displayName: 'Jo Kim', online: true }),
    ]);

    // Over the socket too; bad input is refused and nothing is written.
    await joClient.ok('set_profile', { displayName: '조 김' });
    await mate.waitFor('user_updated', (e) => e.displayName === '조 김');
    expect(await joClient.request('set_profile', { displayName: 'a\u200bb' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    const bad = await request(two, 'PUT', '/chat/profile', {
      token: jo.token,
      body: { displayName: 'x'.repeat(65) },
    });
    expect(bad.status).toBe(400);
    expect((await joClient.ok('register', {})).user).toMatchObject({ name, displayName: '조 김' });
    // Signing in again keeps the chosen display name.
    expect((await session(await signIn(two, name))).user.displayName).toBe('조 김');
    joClient.close();
    mate.close();
  });
});

describe.each(BOTH_MODES)('sign-in limits, %s', (_mode, deploy) => {
  let d: TestDeployment;
  beforeAll(async () => {
    d = await deploy({
      ...NO_RATE_LIMITS,
      RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: '3',
      RATE_LIMIT_SIGNIN_FAILURES_PER_IP: '6',
    });
  }, 120_000);
  afterAll(() => d?.destroy());

  const signIn = (base: string, name: string, password: string) =>
    request(base, 'POST', '/chat/session', { body: { name, password } });

  it('locks an account after its failed sign-ins, then the address after its own', async () => {
    const [one, two] = d.replicas;
    const [ann, bob, cat] = [fresh('ann'), fresh('bob'), fresh('cat')];
    for (const name of [ann, bob]) {
      await session(
        await request(one, 'POST', '/chat/account', { body: { name, password: PASSWORD } }),
      );
    }
    // Three failures, spread over both replicas, spend Ann's budget: even her password is
    // refused now, with the wait.
    for (const base of [one, two, one]) expect((await signIn(base, ann, 'guess')).status).toBe(401);
    const locked = await signIn(two, ann.toUpperCase(), PASSWORD);
    expect(locked.status).toBe(429);
    const body = (await locked.json()) as { code: string; retryAfterMs?: number };
    expect(body.code).toBe('RATE_LIMITED');
    expect(body.retryAfterMs).toBeGreaterThan(0);
    // Another account from the same address is not locked…
    expect((await signIn(one, bob, PASSWORD)).status).toBe(201);
    // …until the address has failed six times, whichever names it tried.
    for (const name of [cat, fresh('dan'), fresh('eli')]) {
      expect((await signIn(two, name, 'guess')).status).toBe(401);
    }
    expect((await signIn(one, bob, PASSWORD)).status).toBe(429);
  });
});
