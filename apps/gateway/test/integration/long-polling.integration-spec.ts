import { CHAT_NAMESPACE, SOCKET_PATH } from '@chat/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '@chat/test-support';
import { rawRequest } from '../support/raw-http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Socket.IO's long-polling transport spoken by hand (Engine.IO protocol 4): `GET` receives
 * packets, `POST` sends them, `sid` names the session. Packets: `0` open, `1` close, `4` message
 * (`40` connect to a namespace, `42` an event).
 */
describe('long-polling', () => {
  let sut: TestApp;
  let token: string;

  beforeAll(async () => {
    sut = await startTestApp();
    ({ token } = await createSession(sut.url, 'poller'));
  });

  afterAll(() => sut?.destroy());

  const endpoint = (params: string) =>
    `${sut.url}${SOCKET_PATH}/?EIO=4&transport=polling&${params}`;

  /** Opens a polling session and joins the chat namespace with a valid token. */
  async function openSession(): Promise<string> {
    const open = await rawRequest(endpoint(''));
    expect(open.status).toBe(200);
    const { sid } = JSON.parse(open.body.slice(1)) as { sid: string };
    const join = await rawRequest(endpoint(`sid=${sid}`), {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: `40${CHAT_NAMESPACE},${JSON.stringify({ token })}`,
    });
    expect(join.status).toBe(200);
    const joined = await rawRequest(endpoint(`sid=${sid}`));
    expect(joined.body).toMatch(new RegExp(`^40${CHAT_NAMESPACE},\\{"sid":`));
    return sid;
  }

  const send = (sid: string, body: string) =>
    rawRequest(endpoint(`sid=${sid}`), {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body,
    });

  it('answers a POST above maxHttpBufferSize 413 and closes the session', async () => {
    const sid = await openSession();
    const event = JSON.stringify(['typing', { roomId: 'r', isTyping: true }]);
    // A packet within the limit is taken and the session lives on (the control).
    expect(await send(sid, `42${CHAT_NAMESPACE},${event}`)).toMatchObject({
      status: 200,
      body: 'ok',
    });

    const oversized = `42${CHAT_NAMESPACE},${JSON.stringify(['send_message', { roomId: 'r', content: 'x'.repeat(70 * 1024) }])}`;
    expect((await send(sid, oversized)).status).toBe(413);

    // A POST answers at once (a GET on a live session would wait for the next packet).
    const after = await send(sid, `42${CHAT_NAMESPACE},${event}`);
    expect(after.status).toBe(400);
    expect(JSON.parse(after.body)).toEqual({ code: 1, message: 'Session ID unknown' });
    expect((await rawRequest(endpoint(`sid=${sid}`))).status).toBe(400);
  });

  it('closes the session also when the oversized body comes in chunks, without Content-Length', async () => {
    const sid = await openSession();
    const res = await rawRequest(endpoint(`sid=${sid}`), {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'transfer-encoding': 'chunked' },
      body: `42${CHAT_NAMESPACE},${JSON.stringify(['typing', { roomId: 'x'.repeat(70 * 1024) }])}`,
    });
    expect(res.status).toBe(413);
    expect((await send(sid, '3')).status).toBe(400);
  });

  it('refuses JSONP polling (j=)', async () => {
    for (const params of ['j=0', 'j=1', 'j=']) {
      const res = await rawRequest(endpoint(params));
      expect(res.status, params).toBe(403);
      expect(res.body).not.toContain('___eio');
      expect(res.body).not.toContain('"sid"');
    }
  });

  it('still opens plain polling sessions', async () => {
    const sid = await openSession();
    expect(sid).toMatch(/\S/);
  });
});
