import {
  freePort,
  NGINX_TEMPLATE,
  renderNginxConfig,
  startNginx,
  testNginxConfig,
  writeNginxConfig,
  type ManagedProcess,
  type NginxValues,
} from '@chat/local-cluster';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOf, environmentOf, loadCompose, service } from '../../src/compose.js';
import { effective, parseDockerfile, stage } from '../../src/dockerfile.js';
import { readRepoFile, repoPath } from '../../src/repo.js';
import { run } from '../../src/run.js';

const NGINX = '/usr/sbin/nginx';
const work = mkdtempSync(path.join(tmpdir(), 'deploy-nginx-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const compose = loadCompose();
const web = service(compose, 'web');
const dockerfile = parseDockerfile(readRepoFile('infra/docker/Dockerfile'));
/** The web image's environment (ENV of its stage): LISTEN, WEB_ROOT, NGINX_TEMPLATE, … */
const imageEnv = Object.fromEntries(
  [...(effective(dockerfile, 'web', 'ENV') ?? '').matchAll(/(\w+)=(\S+)/g)].map((m) => [
    m[1],
    m[2],
  ]),
) as Record<string, string>;

/**
 * Compose's upstreams (`kong:8000`) with the host replaced by 127.0.0.1: `nginx -t` resolves
 * upstream host names, and compose's service names only resolve on the compose network.
 */
const localUpstreams = () =>
  String(environmentOf(web)['UPSTREAMS'])
    .split(',')
    .map((u) => u.trim().replace(/^[^:]+:/, '127.0.0.1:'));

describe('the NGINX config of the web service', () => {
  it('is the one template: the web image copies infra/nginx/nginx.conf.template and renders it', () => {
    expect(buildOf(web)).toMatchObject({ dockerfile: 'infra/docker/Dockerfile', target: 'web' });
    const copies = stage(dockerfile, 'web')
      .instructions.filter((i) => i.keyword === 'COPY')
      .map((i) => i.args);
    expect(copies).toContain(`infra/nginx/nginx.conf.template ${imageEnv['NGINX_TEMPLATE']}`);
    expect(NGINX_TEMPLATE).toBe(repoPath('infra/nginx/nginx.conf.template'));
  });

  it(`passes nginx -t (${NGINX}) rendered by the local cluster's renderer with compose's values`, () => {
    const runtimeDir = path.join(work, 'cluster-renderer');
    const file = writeNginxConfig({
      listen: `127.0.0.1:8080`,
      upstreams: localUpstreams(),
      webRoot: path.join(work, 'www'),
      runtimeDir,
    });
    expect(() => testNginxConfig(file)).not.toThrow();
  });

  it("passes nginx -t rendered by the image's entrypoint, identical to the local cluster's rendering", async () => {
    const runtimeDir = path.join(work, 'entrypoint');
    const values: NginxValues = {
      listen: '127.0.0.1:8080',
      upstreams: localUpstreams(),
      webRoot: path.join(work, 'www'),
      runtimeDir,
      mimeTypes: '/etc/nginx/mime.types',
    };
    const result = await run('sh', [repoPath('infra/docker/web-entrypoint.sh'), '--check'], {
      env: {
        PATH: `${path.dirname(NGINX)}:${process.env['PATH'] ?? ''}`,
        UPSTREAMS: values.upstreams.join(','),
        LISTEN: values.listen,
        WEB_ROOT: values.webRoot,
        RUNTIME_DIR: runtimeDir,
        MIME_TYPES: values.mimeTypes,
        NGINX_TEMPLATE,
      },
    });
    expect(result.stderr).toContain('test is successful');
    expect(result.code).toBe(0);
    expect(readFileSync(path.join(runtimeDir, 'nginx.conf'), 'utf8')).toBe(
      renderNginxConfig(values),
    );
  });

  describe('in front of a hashing proxy (Kong)', () => {
    let upstream: Server;
    let nginx: ManagedProcess;
    let base = '';
    const seen: IncomingHttpHeaders[] = [];

    afterAll(async () => {
      await nginx?.stop();
      await new Promise<void>((resolve) =>
        upstream ? upstream.close(() => resolve()) : resolve(),
      );
    });

    it('hands its stickiness key on as the chat_lb cookie Kong hashes on, first request included', async () => {
      upstream = createServer((req, res) => {
        seen.push(req.headers);
        res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
      });
      await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
      const port = await freePort();
      nginx = await startNginx({
        listen: `127.0.0.1:${port}`,
        upstreams: [`127.0.0.1:${(upstream.address() as AddressInfo).port}`],
        webRoot: work,
        runtimeDir: path.join(work, 'live'),
      });
      base = `http://127.0.0.1:${port}`;

      const first = await fetch(`${base}/chat/session`, { method: 'POST', body: '{}' });
      const setCookie = /chat_lb=([^;]+)/.exec(first.headers.get('set-cookie') ?? '')?.[1];
      expect(setCookie).toBeDefined();
      expect(seen[0]?.cookie).toBe(`chat_lb=${String(setCookie)}`);

      await fetch(`${base}/chat/rooms`, {
        headers: { cookie: `chat_lb=${String(setCookie)}; theme=dark` },
      });
      expect(/^chat_lb=([^;]+)/.exec(seen[1]?.cookie ?? '')?.[1]).toBe(setCookie);
      expect(seen[1]?.cookie).toContain('theme=dark');
    });
  });
});

/** The CSP directives of a policy, as name → sources. */
function parseCsp(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name = '', ...sources]) => [name, sources]),
  );
}

describe('a live NGINX rendered from the template', () => {
  const root = path.join(work, 'headers');
  let upstream: Server;
  let nginx: ManagedProcess;
  let base = '';
  /** Requests served per upstream connection (NGINX → upstream), in connection order. */
  const perConnection: number[] = [];
  const connectionHeaders: (string | undefined)[] = [];

  beforeAll(async () => {
    mkdirSync(path.join(root, 'www', 'assets'), { recursive: true });
    // NGINX's workers drop root (to `nobody`): the folders they serve from must be readable.
    chmodSync(work, 0o755);
    writeFileSync(path.join(root, 'www', 'index.html'), '<!doctype html><title>chat</title>');
    writeFileSync(path.join(root, 'www', 'assets', 'app-1234.js'), 'export {};');
    upstream = createServer((req, res) => {
      const socket = req.socket as typeof req.socket & { served?: number };
      if (socket.served === undefined) {
        socket.served = perConnection.length;
        perConnection.push(0);
      }
      perConnection[socket.served] = (perConnection[socket.served] ?? 0) + 1;
      connectionHeaders.push(req.headers.connection);
      // What a gateway may send itself: NGINX's own values must be the only ones through.
      res
        .writeHead(200, {
          'content-type': 'application/json',
          'x-frame-options': 'SAMEORIGIN',
          'content-security-policy': "default-src 'none'",
        })
        .end('{}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = await freePort();
    nginx = await startNginx({
      listen: `127.0.0.1:${port}`,
      upstreams: [`127.0.0.1:${(upstream.address() as AddressInfo).port}`],
      webRoot: path.join(root, 'www'),
      runtimeDir: path.join(root, 'run'),
    });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await nginx?.stop();
    await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
  });

  it('sends the security headers on the app, its assets, the chat API, errors and the health probe', async () => {
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(
      readRepoFile('apps/web/index.html'),
    )?.[1];
    expect(meta).toBeDefined();
    for (const [pathname, status] of [
      ['/', 200],
      ['/rooms/some-room', 200],
      ['/assets/app-1234.js', 200],
      ['/assets/missing.js', 404],
      ['/chat/session', 200],
      ['/nginx-health', 200],
    ] as const) {
      const response = await fetch(`${base}${pathname}`);
      await response.arrayBuffer();
      expect(response.status, pathname).toBe(status);
      const headers = response.headers;
      expect(headers.get('x-content-type-options'), pathname).toBe('nosniff');
      expect(headers.get('x-frame-options'), pathname).toBe('DENY');
      expect(headers.get('referrer-policy'), pathname).toBe('no-referrer');
      const csp = parseCsp(headers.get('content-security-policy') ?? '');
      expect(csp.get('frame-ancestors'), pathname).toEqual(["'none'"]);
      // Never narrower than the app's own meta policy: the app and Socket.IO keep working.
      for (const [directive, sources] of parseCsp(meta ?? '')) {
        expect(csp.get(directive), `${pathname} ${directive}`).toEqual(sources);
      }
    }
  });

  it('keeps the cache policy per path and the stickiness cookie on the chat paths only', async () => {
    const app = await fetch(`${base}/`);
    const asset = await fetch(`${base}/assets/app-1234.js`);
    const api = await fetch(`${base}/chat/rooms`);
    expect(app.headers.get('cache-control')).toBe('no-cache');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(api.headers.get('cache-control')).toBeNull();
    expect(api.headers.get('set-cookie')).toMatch(/^chat_lb=[^;]+; Path=\/chat\/; HttpOnly/);
    expect(app.headers.get('set-cookie')).toBeNull();
  });

  it('reuses its upstream connections (keepalive) for requests without Upgrade', async () => {
    perConnection.length = 0;
    connectionHeaders.length = 0;
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${base}/chat/rooms`, { headers: { 'x-sticky': 'one' } });
      await response.arrayBuffer();
    }
    expect(connectionHeaders).not.toContain('close');
    expect(Math.max(...perConnection)).toBeGreaterThan(1);
  });
});
