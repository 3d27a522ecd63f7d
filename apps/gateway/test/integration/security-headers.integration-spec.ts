import { SOCKET_PATH } from '@chat/contracts';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '@chat/test-support';
import { rawRequest } from '../support/raw-http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const WEB_INDEX = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../web/index.html',
);

/** `directive → sources` of a Content-Security-Policy value. */
const directives = (policy: string): Map<string, string[]> =>
  new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name = '', ...sources]) => [name.toLowerCase(), sources]),
  );

/** The policy of the web app's `<meta http-equiv="Content-Security-Policy">`. */
function metaPolicy(html: string): Map<string, string[]> {
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
  if (!meta?.[1]) throw new Error('apps/web/index.html has no CSP meta tag');
  return directives(meta[1]);
}

describe('security headers of the embedded server', () => {
  let sut: TestApp;
  let webDist: string;

  beforeAll(async () => {
    // A built web app in miniature: the real index.html and one hashed asset.
    webDist = mkdtempSync(path.join(tmpdir(), 'chat-web-dist-'));
    mkdirSync(path.join(webDist, 'assets'));
    writeFileSync(path.join(webDist, 'index.html'), readFileSync(WEB_INDEX));
    writeFileSync(path.join(webDist, 'assets', 'index-abc123.js'), 'export {};\n');
    sut = await startTestApp({ WEB_DIST: webDist });
  });

  afterAll(async () => {
    await sut?.destroy();
    if (webDist) rmSync(webDist, { recursive: true, force: true });
  });

  const responses = async () => {
    const { token } = await createSession(sut.url, 'headers');
    const bearer = { authorization: `Bearer ${token}` };
    return {
      'the web app at /': await rawRequest(`${sut.url}/`),
      'a client-side route': await rawRequest(`${sut.url}/rooms/some-room`),
      'a hashed asset': await rawRequest(`${sut.url}/assets/index-abc123.js`),
      'GET /chat/rooms': await rawRequest(`${sut.url}/chat/rooms`, { headers: bearer }),
      'a REST error': await rawRequest(`${sut.url}/chat/rooms`),
      'POST /chat/session': await rawRequest(`${sut.url}/chat/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'headers2' }),
      }),
      'GET /health': await rawRequest(`${sut.url}/health`),
      'a Socket.IO polling handshake': await rawRequest(
        `${sut.url}${SOCKET_PATH}/?EIO=4&transport=polling`,
      ),
    };
  };

  it('sends CSP with frame-ancestors, nosniff, X-Frame-Options and Referrer-Policy on every response', async () => {
    for (const [what, res] of Object.entries(await responses())) {
      expect(res.status, what).toBeLessThan(500);
      const csp = directives(String(res.headers['content-security-policy'] ?? ''));
      expect(csp.get('frame-ancestors'), what).toEqual(["'none'"]);
      expect(csp.get('default-src'), what).toEqual(["'self'"]);
      expect(res.headers['x-content-type-options'], what).toBe('nosniff');
      expect(res.headers['x-frame-options'], what).toBe('DENY');
      expect(res.headers['referrer-policy'], what).toBe('no-referrer');
    }
  });

  it("allows in its CSP exactly what the web app's meta tag allows, and Socket.IO connections", async () => {
    const res = await rawRequest(`${sut.url}/`);
    expect(res.body).toContain('http-equiv="Content-Security-Policy"');
    const header = directives(String(res.headers['content-security-policy']));
    for (const [name, sources] of metaPolicy(res.body)) {
      expect(header.get(name), name).toEqual(sources);
    }
    for (const source of ["'self'", 'ws:', 'wss:']) {
      expect(header.get('connect-src')).toContain(source);
    }
  });
});
