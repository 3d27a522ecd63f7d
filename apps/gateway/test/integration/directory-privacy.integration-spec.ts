import type { User } from '@chat/contracts';
import { ChatClient, pollUntil } from '@chat/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('the user directory shows presence only to people who share a room', () => {
  let app: TestApp;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await app?.destroy();
  });

  const connect = async (name: string) => {
    const client = await ChatClient.connect(app.url, name);
    clients.push(client);
    return client;
  };

  const restDirectory = async (client: ChatClient) => {
    const res = await fetch(`${app.url}/chat/users?limit=100`, {
      headers: { authorization: `Bearer ${client.token}` },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { users: User[] }).users;
  };

  const byId = (users: User[]) => new Map(users.map((u) => [u.id, u]));

  it('lists an online roommate as online and an online or departed stranger as offline, with no last seen', async () => {
    const alice = await connect('alice');
    await connect('bob');
    await connect('carol');
    const dave = await connect('dave');
    await alice.ok('create_room', { name: 'pair', participants: ['bob'] });

    // dave goes away: his own directory shows when he was last seen, once the server knows.
    dave.close();
    await pollUntil(
      () => restDirectory(dave),
      (users) => byId(users).get('dave')?.lastSeenAt !== undefined,
      { timeoutMs: 5000, what: 'dave to be seen leaving' },
    );

    const socket = byId((await alice.ok('get_users', { limit: 100 })).users);
    const rest = byId(await restDirectory(alice));
    for (const users of [socket, rest]) {
      expect(users.get('alice')).toEqual({ id: 'alice', name: 'alice', online: true });
      expect(users.get('bob')).toEqual({ id: 'bob', name: 'bob', online: true });
      expect(users.get('carol')).toEqual({ id: 'carol', name: 'carol', online: false });
      expect(users.get('dave')).toEqual({ id: 'dave', name: 'dave', online: false });
    }
    // "Online first" does not give the stranger away either.
    expect([...socket.keys()]).toEqual(['alice', 'bob', 'carol', 'dave']);
  });
});
