import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/raw-http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const INDEX = `<!doctype html><html><head><title>Chat</title></head><body>${'<p>app</p>'.repeat(200)}</body></html>`;
const SCRIPT = `console.log(${JSON.stringify('chat '.repeat(500))});`;
const FONT = Buffer.from('wOF2 already compressed');
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** A build as `vite build` leaves it: each compressible file with its `.br` and `.gz`. */
function fakeBuild(dir: string): void {
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  const write = (file: string, body: string) => {
    writeFileSync(path.join(dir, file), body);
    writeFileSync(path.join(dir, `${file}.br`), brotliCompressSync(body));
    writeFileSync(path.join(dir, `${file}.gz`), gzipSync(body));
  };
  write('index.html', INDEX);
  write('assets/index-Ab12Cd34.js', SCRIPT);
  writeFileSync(path.join(dir, 'assets/font-Ef56.woff2'), FONT);
}

describe('the built web app, served by the gateway', () => {
  const dist = mkdtempSync(path.join(tmpdir(), 'chat-web-dist-'));
  let app: TestApp;
  const get = (urlPath: string, acceptEncoding?: string) =>
    rawRequest(`${app.url}${urlPath}`, {
      headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
    });

  beforeAll(async () => {
    fakeBuild(dist);
    app = await startTestApp({ WEB_DIST: dist });
  });
  afterAll(async () => {
    await app?.destroy();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves a hashed script brotli-compressed to a browser that accepts br, cached for good', async () => {
    const res = await get('/assets/index-Ab12Cd34.js', 'gzip, deflate, br, zstd');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    expect(res.headers['vary']).toMatch(/accept-encoding/i);
    expect(res.headers['cache-control']).toBe(IMMUTABLE);
    expect(brotliDecompressSync(res.bytes).toString()).toBe(SCRIPT);
    expect(Number(res.headers['content-length'])).toBe(res.bytes.length);
  });

  it('serves gzip to a client without br, and the file as is to one that accepts neither', async () => {
    const zipped = await get('/assets/index-Ab12Cd34.js', 'gzip');
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.bytes).toString()).toBe(SCRIPT);
    expect(zipped.headers['vary']).toMatch(/accept-encoding/i);

    for (const acceptEncoding of [undefined, 'identity', 'br;q=0, gzip;q=0']) {
      const plain = await get('/assets/index-Ab12Cd34.js', acceptEncoding);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body).toBe(SCRIPT);
      expect(plain.headers['vary']).toMatch(/accept-encoding/i);
      expect(plain.headers['cache-control']).toBe(IMMUTABLE);
    }
  });

  it('serves the app shell compressed and revalidated, at / and at any app path', async () => {
    for (const urlPath of ['/', '/index.html', '/some/app/path']) {
      const res = await get(urlPath, 'gzip, br');
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe('br');
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['vary']).toMatch(/accept-encoding/i);
      expect(brotliDecompressSync(res.bytes).toString()).toBe(INDEX);
    }
  });

  it('serves a file without a compressed copy as is, and leaves the API alone', async () => {
    const font = await get('/assets/font-Ef56.woff2', 'br, gzip');
    expect(font.headers['content-encoding']).toBeUndefined();
    expect(font.bytes.equals(FONT)).toBe(true);
    expect(font.headers['cache-control']).toBe(IMMUTABLE);
    const api = await get('/chat/nothing-here', 'br');
    expect(api.headers['content-encoding']).toBeUndefined();
  });
});
