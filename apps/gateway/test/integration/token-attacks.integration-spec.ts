import { CHAT_NAMESPACE, SOCKET_PATH } from '@chat/contracts';
import { ChatClient, createSession } from '@chat/test-support';
import {
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  UnsecuredJWT,
  type JWK,
  type JWTPayload,
} from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Token attacks against both auth modes. Every forged, altered, expired or wrongly signed token
 * must be refused the same way everywhere: the socket handshake with `connect_error`
 * `data.code = UNAUTHORIZED`, REST with 401 `{ code: "UNAUTHORIZED" }`. Each mode also has a
 * positive control, so a refusal is never just a misconfigured test.
 *
 * Extends jwt.integration-spec.ts (HS256 basics) with guest tokens, algorithm confusion against
 * a JWKS (RS256/ES256) configuration, header tricks and malformed claims.
 */

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
type PrivateKey = KeyPair['privateKey'];

const enc = new TextEncoder();
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** A compact JWS from raw parts, for headers no library will produce. */
const rawJwt = (header: unknown, payload: unknown, signature = '') =>
  `${b64url(header)}.${b64url(payload)}.${signature}`;

/** Replaces a token's payload and keeps its header and signature. */
function withPayload(token: string, payload: JWTPayload): string {
  const [header, , signature] = token.split('.');
  return `${header}.${b64url(payload)}.${signature}`;
}

/** `connected`, or the `data.code` of the handshake's `connect_error`. */
async function handshake(url: string, auth: Record<string, unknown>): Promise<string> {
  const socket = io(`${url}${CHAT_NAMESPACE}`, {
    path: SOCKET_PATH,
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  try {
    return await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (err: Error & { data?: { code?: string } }) =>
        resolve(err.data?.code ?? `no code: ${err.message}`),
      );
    });
  } finally {
    socket.close();
  }
}

async function restWith(url: string, authorization: string | undefined) {
  const res = await fetch(`${url}/chat/rooms`, {
    headers: authorization === undefined ? {} : { authorization },
  });
  const body: unknown = await res.json();
  return { status: res.status, body };
}

/** Asserts that `token` is refused by the socket handshake and by REST. */
async function expectRefused(url: string, token: string, what: string): Promise<void> {
  expect(await handshake(url, { token }), `${what}: socket`).toBe('UNAUTHORIZED');
  const rest = await restWith(url, `Bearer ${token}`);
  expect(rest, `${what}: REST`).toEqual({
    status: 401,
    body: expect.objectContaining({ code: 'UNAUTHORIZED' }) as unknown,
  });
}

async function expectAccepted(url: string, token: string): Promise<void> {
  expect(await handshake(url, { token })).toBe('connected');
  expect((await restWith(url, `Bearer ${token}`)).status).toBe(200);
}

describe('token attacks: guest mode (the default)', () => {
  const SECRET = 'guest-token-secret-for-the-attack-suite-0123456789';
  const GUEST_ISSUER = 'chat-guest';
  let app: TestApp;
  let legit: string;

  /** A guest token as the server would make it, with any claim changed. */
  const guestToken = (claims: JWTPayload, key: string = SECRET, alg = 'HS256') =>
    new SignJWT({ name: 'alice', sub: 'alice', iss: GUEST_ISSUER, exp: now() + 3600, ...claims })
      .setProtectedHeader({ alg })
      .sign(enc.encode(key));

  beforeAll(async () => {
    app = await startTestApp({ AUTH_SECRET: SECRET });
    legit = (await createSession(app.url, 'alice')).token;
    await createSession(app.url, 'bob');
  });

  afterAll(() => app?.destroy());

  it('accepts its own session token and one built the same way (the controls)', async () => {
    await expectAccepted(app.url, legit);
    await expectAccepted(app.url, await guestToken({}));
  });

  it('refuses a token whose payload was changed to another user', async () => {
    const [, payload] = legit.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as JWTPayload;
    await expectRefused(app.url, withPayload(legit, { ...claims, sub: 'bob' }), 'sub → bob');
    await expectRefused(
      app.url,
      withPayload(legit, { ...claims, exp: now() + 10 * 365 * 86400 }),
      'exp extended',
    );
  });

  it('refuses expired and not-yet-valid tokens', async () => {
    await expectRefused(app.url, await guestToken({ exp: now() - 60 }), 'expired');
    await expectRefused(app.url, await guestToken({ nbf: now() + 3600 }), 'nbf in the future');
  });

  it('refuses tokens without an expiry or a subject', async () => {
    const noExp = await new SignJWT({ sub: 'alice', iss: GUEST_ISSUER })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(enc.encode(SECRET));
    await expectRefused(app.url, noExp, 'no exp');
    const noSub = await new SignJWT({ iss: GUEST_ISSUER, exp: now() + 3600 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(enc.encode(SECRET));
    await expectRefused(app.url, noSub, 'no sub');
  });

  it('refuses a token with the wrong issuer, even when signed with the right secret', async () => {
    await expectRefused(app.url, await guestToken({ iss: 'someone-else' }), 'wrong iss');
    const { iss: _iss, ...noIssuer } = { iss: GUEST_ISSUER, sub: 'alice', exp: now() + 3600 };
    await expectRefused(
      app.url,
      await new SignJWT(noIssuer).setProtectedHeader({ alg: 'HS256' }).sign(enc.encode(SECRET)),
      'no iss',
    );
  });

  it('refuses a token signed with another secret (another deployment’s guest token)', async () => {
    const other = await startTestApp({ AUTH_SECRET: 'a-different-deployment-secret-0123456789' });
    try {
      const foreign = (await createSession(other.url, 'alice')).token;
      await expectAccepted(other.url, foreign);
      await expectRefused(app.url, foreign, 'other deployment');
    } finally {
      await other.destroy();
    }
    await expectRefused(app.url, await guestToken({}, 'x'.repeat(48)), 'guessed secret');
  });

  it('refuses alg none and other algorithms than HS256, even with the right secret', async () => {
    const claims = { sub: 'alice', iss: GUEST_ISSUER, exp: now() + 3600 };
    await expectRefused(
      app.url,
      new UnsecuredJWT(claims).setIssuer(GUEST_ISSUER).encode(),
      'alg none',
    );
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      await expectRefused(app.url, rawJwt({ alg, typ: 'JWT' }, claims), `alg ${alg}`);
    }
    // The right signature with the header claiming no algorithm.
    const [, payload, signature] = legit.split('.');
    await expectRefused(
      app.url,
      `${b64url({ alg: 'none' })}.${payload}.${signature}`,
      'alg none + signature',
    );
    await expectRefused(app.url, await guestToken({}, SECRET, 'HS512'), 'HS512');
    await expectRefused(app.url, await guestToken({}, SECRET, 'HS384'), 'HS384');
  });

  it('refuses malformed tokens and token values of the wrong type', async () => {
    const [header, payload] = legit.split('.');
    for (const token of [
      `${header}.${payload}`,
      `${header}.${payload}.`,
      `${legit}.${legit}`,
      `${legit}A`,
      legit.toUpperCase(),
      '..',
      'a'.repeat(9000),
    ]) {
      await expectRefused(app.url, token, `malformed ${token.slice(0, 20)}`);
    }
    for (const token of [42, true, null, [legit], { token: legit }]) {
      expect(await handshake(app.url, { token }), JSON.stringify(token)).toBe('UNAUTHORIZED');
    }
    expect(await handshake(app.url, {})).toBe('UNAUTHORIZED');
  });

  it('takes the REST token only from a well-formed Authorization: Bearer header', async () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer ', `Basic ${legit}`, `${legit}`]) {
      expect((await restWith(app.url, header)).status, `header ${String(header)}`).toBe(401);
    }
    expect((await restWith(app.url, `Bearer ${legit} extra`)).status).toBe(401);
    // Not from the query string or a cookie, where it would leak into logs and CSRF.
    for (const path of [`/chat/rooms?token=${legit}`, `/chat/rooms?access_token=${legit}`]) {
      expect((await fetch(`${app.url}${path}`)).status).toBe(401);
    }
    const cookie = await fetch(`${app.url}/chat/rooms`, { headers: { cookie: `token=${legit}` } });
    expect(cookie.status).toBe(401);
    expect((await restWith(app.url, `bearer ${legit}`)).status).toBe(200);
  });
});

describe('token attacks: AUTH_MODE=jwt with a JWKS (RS256/ES256)', () => {
  const ISSUER = 'https://idp.example.test/';
  const AUDIENCE = 'chat';
  let app: TestApp;
  let jwks: Server;
  let rsa: KeyPair;
  let ec: KeyPair;
  let attacker: KeyPair;
  let rsaPublicPem: string;
  let rsaPublicJwk: JWK;

  const claims = (extra: JWTPayload = {}): JWTPayload => ({
    sub: 'user-1',
    name: 'Ada',
    iss: ISSUER,
    aud: AUDIENCE,
    exp: now() + 3600,
    iat: now(),
    ...extra,
  });
  const signRs = (extra: JWTPayload = {}, key: PrivateKey = rsa.privateKey, kid = 'rsa-1') =>
    new SignJWT(claims(extra)).setProtectedHeader({ alg: 'RS256', kid }).sign(key);

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256', { extractable: true });
    ec = await generateKeyPair('ES256', { extractable: true });
    attacker = await generateKeyPair('RS256', { extractable: true });
    rsaPublicPem = await exportSPKI(rsa.publicKey);
    rsaPublicJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
    const ecJwk = { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' };
    const body = JSON.stringify({ keys: [rsaPublicJwk, ecJwk] });
    // The identity provider's key set, on loopback: no network needed.
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as AddressInfo;
    app = await startTestApp({
      AUTH_MODE: 'jwt',
      JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
    });
  });

  afterAll(async () => {
    await app?.destroy();
    await new Promise<void>((resolve) => (jwks ? jwks.close(() => resolve()) : resolve()));
  });

  it('accepts RS256 and ES256 tokens from the key set (the controls)', async () => {
    await expectAccepted(app.url, await signRs());
    const es = await new SignJWT(claims({ sub: 'user-2' }))
      .setProtectedHeader({ alg: 'ES256', kid: 'ec-1' })
      .sign(ec.privateKey);
    await expectAccepted(app.url, es);
    const client = await ChatClient.connect(app.url, 'user-1', await signRs());
    expect((await client.ok('register', {})).user).toMatchObject({ id: 'user-1', name: 'Ada' });
    client.close();
  });

  it('refuses HS256 signed with the public key as the secret (HS/RS confusion)', async () => {
    const secrets = [rsaPublicPem, rsaPublicPem.trim(), JSON.stringify(rsaPublicJwk)];
    for (const secret of secrets) {
      for (const alg of ['HS256', 'HS384', 'HS512']) {
        const token = await new SignJWT(claims())
          .setProtectedHeader({ alg, kid: 'rsa-1' })
          .sign(enc.encode(secret));
        await expectRefused(app.url, token, `${alg} with the public key`);
      }
    }
  });

  it('refuses alg none, with or without a kid', async () => {
    await expectRefused(app.url, new UnsecuredJWT(claims()).encode(), 'alg none');
    for (const alg of ['none', 'None', 'NONE']) {
      await expectRefused(app.url, rawJwt({ alg, kid: 'rsa-1' }, claims()), `alg ${alg}`);
    }
    const [, payload, signature] = (await signRs()).split('.');
    await expectRefused(
      app.url,
      `${b64url({ alg: 'none', kid: 'rsa-1' })}.${payload}.${signature}`,
      'alg none + a valid signature',
    );
  });

  it('refuses a tampered payload and a key the set does not hold', async () => {
    const good = await signRs();
    await expectRefused(app.url, withPayload(good, claims({ sub: 'admin' })), 'tampered sub');
    await expectRefused(app.url, await signRs({}, attacker.privateKey), 'attacker key, known kid');
    await expectRefused(app.url, await signRs({}, attacker.privateKey, 'evil'), 'unknown kid');
    // The right key under an algorithm it is not meant for (PS256 with the RSA key).
    const pss = await generateKeyPair('PS256', { extractable: true });
    const pssToken = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'PS256', kid: 'rsa-1' })
      .sign(pss.privateKey);
    await expectRefused(app.url, pssToken, 'PS256');
  });

  it('ignores keys the token brings along (embedded jwk, jku, x5u)', async () => {
    const attackerJwk = await exportJWK(attacker.publicKey);
    const headers = [
      { alg: 'RS256', jwk: attackerJwk },
      { alg: 'RS256', kid: 'evil', jwk: attackerJwk },
      { alg: 'RS256', jku: 'http://127.0.0.1:1/evil-jwks.json', kid: 'evil' },
      { alg: 'RS256', x5u: 'http://127.0.0.1:1/evil.pem', kid: 'evil' },
    ];
    for (const header of headers) {
      const token = await new SignJWT(claims())
        .setProtectedHeader(header)
        .sign(attacker.privateKey);
      await expectRefused(app.url, token, JSON.stringify(Object.keys(header)));
    }
  });

  it('refuses expired tokens and the wrong issuer or audience', async () => {
    await expectRefused(app.url, await signRs({ exp: now() - 60 }), 'expired');
    await expectRefused(app.url, await signRs({ nbf: now() + 3600 }), 'nbf in the future');
    await expectRefused(app.url, await signRs({ iss: 'https://evil.example/' }), 'wrong iss');
    await expectRefused(app.url, await signRs({ aud: 'another-app' }), 'wrong aud');
    const { aud: _aud, ...noAudience } = claims();
    const token = await new SignJWT(noAudience)
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .sign(rsa.privateKey);
    await expectRefused(app.url, token, 'no aud');
  });

  it('refuses a subject that is not a non-empty string', async () => {
    for (const sub of ['', 42, { id: 'user-1' }, ['user-1'], true]) {
      const token = await new SignJWT({ ...claims(), sub } as JWTPayload)
        .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
        .sign(rsa.privateKey);
      await expectRefused(app.url, token, `sub ${JSON.stringify(sub)}`);
    }
  });
});

describe('token attacks: AUTH_MODE=jwt with a shared secret (HS256)', () => {
  const SECRET = 'the-identity-providers-shared-secret-0123456789';
  const ISSUER = 'https://idp.example.test/';
  const AUDIENCE = 'chat';
  let app: TestApp;
  const sign = (payload: JWTPayload, secret = SECRET, alg = 'HS256') =>
    new SignJWT({ sub: 'user-1', iss: ISSUER, aud: AUDIENCE, exp: now() + 3600, ...payload })
      .setProtectedHeader({ alg })
      .sign(enc.encode(secret));

  beforeAll(async () => {
    app = await startTestApp({
      AUTH_MODE: 'jwt',
      JWT_SECRET: SECRET,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
    });
  });

  afterAll(() => app?.destroy());

  it('refuses a token the same key signed for another application (issuer or audience)', async () => {
    await expectAccepted(app.url, await sign({}));
    await expectRefused(app.url, await sign({ aud: 'another-app' }), 'another audience');
    await expectRefused(app.url, await sign({ iss: 'https://other.example/' }), 'another issuer');
    await expectRefused(app.url, await sign({ aud: undefined }), 'no audience');
    await expectRefused(app.url, await sign({ iss: undefined }), 'no issuer');
  });

  it('refuses a subject over 128 characters', async () => {
    await expectAccepted(app.url, await sign({ sub: 'u'.repeat(128) }));
    await expectRefused(app.url, await sign({ sub: 'u'.repeat(129) }), 'sub of 129');
    await expectRefused(app.url, await sign({ sub: 'u'.repeat(4000) }), 'sub of 4000');
  });

  it('refuses a token with surrounding whitespace instead of trimming it', async () => {
    const token = await sign({});
    expect(await handshake(app.url, { token })).toBe('connected');
    for (const padded of [`${token} `, `${token}\n`, ` ${token}`, `\t${token}`, `${token}\u00a0`]) {
      expect(await handshake(app.url, { token: padded }), JSON.stringify(padded)).toBe(
        'UNAUTHORIZED',
      );
    }
  });

  it('refuses guest tokens, other algorithms and subjects that are not strings', async () => {
    await expectAccepted(app.url, await sign({}));
    // A guest token of another deployment is just a token with another secret here.
    const guest = await startTestApp();
    try {
      await expectRefused(app.url, (await createSession(guest.url, 'alice')).token, 'guest');
    } finally {
      await guest.destroy();
    }
    await expectRefused(app.url, await sign({}, SECRET, 'HS512'), 'HS512 with the secret');
    const rsa = await generateKeyPair('RS256');
    const rs = await new SignJWT({ sub: 'user-1', iss: ISSUER, aud: AUDIENCE, exp: now() + 3600 })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(rsa.privateKey);
    await expectRefused(app.url, rs, 'RS256 while configured for HS256');
    for (const sub of ['', 42, { id: 'user-1' }, ['user-1']]) {
      await expectRefused(app.url, await sign({ sub } as JWTPayload), `sub ${JSON.stringify(sub)}`);
    }
  });
});
