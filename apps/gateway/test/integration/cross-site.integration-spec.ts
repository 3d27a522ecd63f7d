import { SOCKET_PATH } from '@chat/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '@chat/test-support';
import { rawRequest, upgradeStatus } from '../support/raw-http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const LISTED = 'https://chat-app.example.test';
const FOREIGN = 'https://evil.example';

describe('cross-site requests', () => {
  let sut: TestApp;
  let names = 0;
  const freshName = () => `guest${++names}`;

  beforeAll(async () => {
    sut = await startTestApp({ CORS_ORIGINS: LISTED });
  });

  afterAll(() => sut?.destroy());

  const postSession = (headers: Record<string, string>, body: string) =>
    rawRequest(`${sut.url}/chat/session`, { method: 'POST', headers, body });
  const json = (name: string) => JSON.stringify({ name });
  /** A name nobody claimed is still free: a JSON sign-in from a plain client gets it. */
  const expectFree = async (name: string) =>
    expect((await createSession(sut.url, name)).user.id).toBe(name);

  describe('POST /chat/session', () => {
    it('answers a form or text body 415 BAD_REQUEST and claims nothing', async () => {
      const name = freshName();
      const bodies: [string | undefined, string][] = [
        ['application/x-www-form-urlencoded', `name=${name}`],
        [
          'multipart/form-data; boundary=x',
          `--x\r\nContent-Disposition: form-data; name="name"\r\n\r\n${name}\r\n--x--\r\n`,
        ],
        // An HTML form with enctype="text/plain" can send a body that parses as JSON.
        ['text/plain', json(name)],
        [undefined, json(name)],
      ];
      for (const [contentType, body] of bodies) {
        const res = await postSession(contentType ? { 'content-type': contentType } : {}, body);
        expect(res.status, contentType).toBe(415);
        expect(JSON.parse(res.body), contentType).toEqual({
          code: 'BAD_REQUEST',
          message: expect.any(String) as string,
        });
      }
      await expectFree(name);
    });

    it('answers a page of another site 403 FORBIDDEN and claims nothing', async () => {
      const name = freshName();
      const port = new URL(sut.url).port;
      const refused: Record<string, string>[] = [
        { origin: FOREIGN },
        { origin: 'null' },
        // The same host on another port is another site.
        { origin: 'http://127.0.0.1:1', host: `127.0.0.1:${port}` },
        { origin: `https://127.0.0.1.evil.example:${port}` },
      ];
      for (const headers of refused) {
        const res = await postSession(
          { 'content-type': 'application/json', ...headers },
          json(name),
        );
        expect(res.status, headers['origin']).toBe(403);
        expect(JSON.parse(res.body), headers['origin']).toMatchObject({ code: 'FORBIDDEN' });
      }
      await expectFree(name);
    });

    it('serves its own origin, a listed origin, a proxy that forwards the host without its port, and clients without Origin', async () => {
      const allowed: Record<string, string>[] = [
        { origin: sut.url },
        { origin: LISTED },
        { origin: 'http://127.0.0.1:8080', host: '127.0.0.1' },
        {},
      ];
      for (const headers of allowed) {
        const name = freshName();
        const res = await postSession(
          { 'content-type': 'application/json; charset=utf-8', ...headers },
          json(name),
        );
        expect(res.status, headers['origin']).toBe(201);
        expect(JSON.parse(res.body)).toMatchObject({ user: { id: name } });
      }
    });
  });

  describe('the Socket.IO handshake', () => {
    const endpoint = (transport: 'websocket' | 'polling') =>
      `${sut.url}${SOCKET_PATH}/?EIO=4&transport=${transport}`;

    it('refuses a WebSocket upgrade and a polling handshake from another site', async () => {
      for (const origin of [FOREIGN, 'null', 'http://127.0.0.1:1']) {
        // Engine.io answers every upgrade it refuses with 400.
        expect(await upgradeStatus(endpoint('websocket'), { origin }), origin).toBe(400);
        const polling = await rawRequest(endpoint('polling'), { headers: { origin } });
        expect(polling.status, origin).toBe(403);
        expect(polling.body).not.toContain('"sid"');
      }
    });

    it('accepts its own origin, a listed origin and clients without Origin', async () => {
      for (const headers of [{ origin: sut.url }, { origin: LISTED }, {}]) {
        expect(await upgradeStatus(endpoint('websocket'), headers), headers.origin).toBe(101);
        const polling = await rawRequest(endpoint('polling'), { headers });
        expect(polling.status, headers.origin).toBe(200);
        expect(polling.body).toContain('"sid"');
      }
    });
  });
});
