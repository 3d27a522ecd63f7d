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
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
