import type { Ack, ExceptionEvent } from '@chat/contracts';
import {
  ChatClient,
  createSession,
  NO_RATE_LIMITS,
  openSocket,
  pollUntil,
  type ClientSocket,
} from '@chat/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'connected',
    (error: Error & { data?: { code?: string } }) => error.data?.code ?? error.message,
  );

describe('what one client may cost a gateway', () => {
  const sockets: ClientSocket[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  describe('garbage and floods on one connection', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({
        ...NO_RATE_LIMITS,
        RATE_LIMIT_SOCKET_EVENTS_PER_SEC: '5',
        RATE_LIMIT_SOCKET_EVENTS_BURST: '10',
        MAX_BAD_EVENTS_PER_MIN: '3',
      });
    });
    afterAll(() => app?.destroy());

    it('disconnects a socket that keeps sending malformed or unknown events', async () => {
      const { token } = await createSession(app.url, 'garbler');
      const socket = await openSocket(app.url, token);
      sockets.push(socket);
      const notices: ExceptionEvent[] = [];
      socket.on('exception', (e: ExceptionEvent) => notices.push(e));
      const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      // Untyped on purpose: the point is events the protocol does not have.
      const raw = socket as unknown as { emit(event: string, payload: unknown): void };
      for (let i = 0; i < 200; i++) {
        raw.emit(i % 2 === 0 ? 'send_message' : `no_such_event_${i}`, { roomId: 42 });
      }
      expect(await closed).toBe('io server disconnect');
      expect(notices.at(-1)).toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/malformed/) as string,
      });
    });

    it('answers a flood beyond the connection’s budget RATE_LIMITED with the wait', async () => {
      const flooder = await ChatClient.connect(app.url, 'flooder');
      try {
        const acks = (await Promise.all(
          Array.from({ length: 40 }, () => flooder.request('get_users', {})),
        )) as Ack<unknown>[];
        const refused = acks.filter((a) => !a.ok);
        expect(acks.filter((a) => a.ok).length).toBeGreaterThan(0);
        expect(refused.length).toBeGreaterThan(0);
        for (const a of refused) {
          expect(a.ok === false && a.error).toMatchObject({
            code: 'RATE_LIMITED',
            retryAfterMs: expect.any(Number) as number,
          });
        }
        // Within budget again after the wait: the connection stays usable.
        const wait = refused[0]?.ok === false ? (refused[0].error.retryAfterMs ?? 0) : 0;
        await new Promise((resolve) => setTimeout(resolve, wait + 50));
        expect((await flooder.request('get_users', {})).ok).toBe(true);
      } finally {
        flooder.close();
      }
    });
  });

  describe('connections per user and per address', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({
        ...NO_RATE_LIMITS,
        MAX_SOCKETS_PER_USER: '3',
        MAX_SOCKETS_PER_IP: '5',
      });
    });
    afterAll(() => app?.destroy());

    it('refuses a user’s connection over the cap with RATE_LIMITED, and frees the slot on close', async () => {
      const { token } = await createSession(app.url, 'hoarder');
      for (let i = 0; i < 3; i++) sockets.push(await openSocket(app.url, token));
      expect(await refusal(openSocket(app.url, token))).toBe('RATE_LIMITED');
      sockets.shift()?.close();
      const again = await pollUntil(
        () => refusal(openSocket(app.url, token).then((s) => void sockets.push(s))),
        (outcome) => outcome === 'connected',
        { timeoutMs: 5000, what: 'a slot to be free after a close' },
      );
      expect(again).toBe('connected');
    });

    it('refuses connections from one address over its cap, whoever they are', async () => {
      const tokens = await Promise.all(
        ['ip1', 'ip2', 'ip3', 'ip4', 'ip5', 'ip6'].map(
          async (n) => (await createSession(app.url, n)).token,
        ),
      );
      for (const token of tokens.slice(0, 5)) sockets.push(await openSocket(app.url, token));
      expect(await refusal(openSocket(app.url, tokens[5] ?? ''))).toBe('RATE_LIMITED');
    });
  });

  describe('guest sign-ins without a proxy in front', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ ...NO_RATE_LIMITS, RATE_LIMIT_SESSIONS_PER_MIN: '3' });
    });
    afterAll(() => app?.destroy());

    const session = (name: string, forwardedFor?: string) =>
      fetch(`${app.url}/chat/session`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(forwardedFor !== undefined && { 'x-forwarded-for': forwardedFor }),
        },
        body: JSON.stringify({ name }),
      });

    it('limits guest sign-ins per address, whatever X-Forwarded-For claims', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await session(`minted${i}`, `10.0.0.${i}`)).status);
      expect(statuses.slice(0, 3)).toEqual([201, 201, 201]);
      expect(statuses.slice(3)).toEqual([429, 429]);
      const refused = await session('minted9');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfterMs: expect.any(Number) as number,
      });
    });
  });

  describe('REST reads without a proxy in front', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({
        ...NO_RATE_LIMITS,
        RATE_LIMIT_EVENTS_PER_SEC: '1',
        RATE_LIMIT_EVENTS_BURST: '5',
      });
    });
    afterAll(() => app?.destroy());

    it('limits one user’s REST reads with the shared event budget', async () => {
      const { token } = await createSession(app.url, 'reader');
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await fetch(`${app.url}/chat/rooms`, {
          headers: { authorization: `Bearer ${token}` },
        });
        statuses.push(res.status);
      }
      expect(statuses).toContain(200);
      expect(statuses).toContain(429);
      expect(statuses.filter((s) => s === 200).length).toBeLessThan(20);
    });
  });
});
