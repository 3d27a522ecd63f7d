import { SOCKET_PATH } from '@chat/contracts';
import { freePort, ManagedProcess, waitFor } from '@chat/local-cluster';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthcheckTest, loadCompose, service } from '../../src/compose.js';
import { gatewayRoutes, samplePath } from '../../src/gateway-routes.js';
import { kongRoutes, loadKong, pathMatches } from '../../src/kong.js';
import { repoPath } from '../../src/repo.js';
import { run } from '../../src/run.js';

/** A real gateway process (embedded mode) answering what Kong sends it. */
describe('a running gateway behind the Kong routes', () => {
  const data = mkdtempSync(path.join(tmpdir(), 'deploy-gateway-'));
  let gateway: ManagedProcess;
  let base = '';

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // A built web app, as in embedded mode: its client-side-routing fallback must not answer
    // the probes.
    const web = path.join(data, 'web');
    mkdirSync(web);
    writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>chat</title>');
    gateway = ManagedProcess.start(
      'gateway',
      process.execPath,
      ['--import', 'tsx', 'src/main.ts'],
      {
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: data,
        WEB_DIST: path.join(data, 'web'),
        LOG_LEVEL: 'warn',
        REDIS_URL: '',
      },
      repoPath('apps/gateway'),
    );
    await waitFor(
      async () => {
        gateway.assertRunning();
        return (await fetch(`${base}/health`)).ok;
      },
      { what: 'the gateway', timeoutMs: 30_000 },
    );
  });

  afterAll(async () => {
    await gateway?.stop();
    rmSync(data, { recursive: true, force: true });
  });

  it('answers every path Kong routes (no 404), with each method the route allows', async () => {
    const served = (await gatewayRoutes()).map((r) => samplePath(r.path));
    for (const route of kongRoutes(loadKong())) {
      for (const prefix of route.paths) {
        // The prefix itself where the gateway serves it, else a path of the gateway under it.
        const sample =
          (served.includes(prefix) ? prefix : served.find((p) => pathMatches(prefix, p))) ?? prefix;
        const url =
          prefix === SOCKET_PATH ? `${base}${prefix}/?EIO=4&transport=polling` : `${base}${sample}`;
        const methods = (route.methods ?? ['GET']).filter((m) => m !== 'OPTIONS');
        const answers = await Promise.all(
          methods.map((method) =>
            fetch(url, {
              method,
              headers: { 'content-type': 'application/json' },
              ...(method === 'POST' ? { body: '{}' } : {}),
            }).then((r) => r.status),
          ),
        );
        // Some path under the prefix exists for at least one allowed method.
        expect(
          answers.some((status) => status !== 404),
          `${route.name} ${prefix}: ${answers.join(',')}`,
        ).toBe(true);
      }
    }
  });

  it('answers the probe Kong routes on (its active health check) itself, never the web app', async () => {
    const active = (
      loadKong()['upstreams'] as { healthchecks: { active: { http_path: string } } }[]
    )[0]?.healthchecks.active.http_path;
    for (const probe of [String(active), '/health', '/ready']) {
      const response = await fetch(`${base}${probe}`);
      expect(response.status, probe).toBe(200);
      expect(response.headers.get('content-type'), probe).toMatch(/application\/json/);
    }
  });

  it('opens a Socket.IO long-polling session on the socket path', async () => {
    const response = await fetch(`${base}${SOCKET_PATH}/?EIO=4&transport=polling`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^0\{"sid":/);
  });

  it("passes the compose healthcheck (the image's healthcheck.mjs on /ready), which fails on a dead port", async () => {
    const test = healthcheckTest(service(loadCompose(), 'gateway')) ?? [];
    const [, node, script, url] = test;
    expect([node, script]).toEqual(['node', '/app/healthcheck.mjs']);
    const local = repoPath('infra/docker/healthcheck.mjs');
    const ready = String(url).replace('http://127.0.0.1:3000', base);
    expect((await run(process.execPath, [local, ready])).code).toBe(0);
    const dead = `http://127.0.0.1:${await freePort()}/ready`;
    expect((await run(process.execPath, [local, dead])).code).toBe(1);
  });
});
