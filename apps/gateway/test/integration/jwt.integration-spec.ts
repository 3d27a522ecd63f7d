import { SignJWT, UnsecuredJWT } from 'jose';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient } from '@chat/test-support';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SECRET = 'a-shared-secret-of-the-identity-provider-0123456789';
const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'chat';
const key = new TextEncoder().encode(SECRET);

const sign = (claims: Record<string, unknown>, expiresIn: string | number = '1h') =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('u-42')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key);

async function connectError(url: string, token: string): Promise<string | undefined> {
  const socket = io(`${url}/chat`, {
    path: '/chat/ws',
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  try {
    return await new Promise<string | undefined>((resolve) => {
      socket.once('connect', () => resolve(undefined));
      socket.once('connect_error', (err: Error & { data?: { code?: string } }) =>
        resolve(err.data?.code),
      );
    });
  } finally {
    socket.close();
  }
}

describe('AUTH_MODE=jwt', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({
      AUTH_MODE: 'jwt',
      JWT_SECRET: SECRET,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
    });
  });

  afterAll(() => app?.destroy());

  it('takes the user id from sub and the name from preferred_username', async () => {
    const client = await ChatClient.connect(
      app.url,
      'u-42',
      await sign({ preferred_username: 'Grace' }),
    );
    const { user } = await client.ok('register', {});
    expect(user).toMatchObject({ id: 'u-42', name: 'Grace' });
    client.close();
  });

  it('rejects tampered, expired, unsigned and wrongly keyed tokens', async () => {
    const good = await sign({ name: 'Grace' });
    const [header, , signature] = good.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ sub: 'admin', exp: 9999999999 })).toString(
      'base64url',
    );
    const tampered = `${header}.${forgedPayload}.${signature}`;
    const expired = await sign({}, Math.floor(Date.now() / 1000) - 60);
    const unsigned = new UnsecuredJWT({ sub: 'u-42', iss: ISSUER, aud: AUDIENCE })
      .setExpirationTime('1h')
      .encode();
    const otherKey = await new SignJWT({ iss: ISSUER, aud: AUDIENCE })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u-42')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-identity-provider-secret-0123456789'));
    for (const token of [tampered, expired, unsigned, otherKey]) {
      expect(await connectError(app.url, token)).toBe('UNAUTHORIZED');
    }
  });

  it('turns off guest sessions', async () => {
    const res = await fetch(`${app.url}/chat/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'guest' }),
    });
    expect(res.status).toBe(403);
  });
});
