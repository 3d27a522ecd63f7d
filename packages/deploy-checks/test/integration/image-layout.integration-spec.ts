import { freePort, ManagedProcess, waitFor } from '@chat/local-cluster';
import dynalite from 'dynalite';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentOf, loadCompose, service } from '../../src/compose.js';
import { effective, execForm, parseDockerfile } from '../../src/dockerfile.js';
import { readRepoFile, REPO_ROOT, repoPath, stringList } from '../../src/repo.js';
import { run } from '../../src/run.js';

/**
 * The gateway and sink images without Docker: the build stage's `pnpm deploy` into the same
 * layout (/app/apps/<name> plus /app/tsconfig.base.json, here under a temporary folder), then
 * the image's CMD and compose's init command run from it. This is what catches a deploy that
 * misses a workspace package, a dependency, the gateway's build or the tsconfig tsx needs.
 */
describe('the app images’ layout (pnpm deploy, as the Dockerfile does it)', () => {
  const dockerfile = parseDockerfile(readRepoFile('infra/docker/Dockerfile'));
  const app = mkdtempSync(path.join(tmpdir(), 'deploy-image-'));
  const data = path.join(app, 'data');

  beforeAll(async () => {
    // The build stage builds the gateway before deploying it (its CMD runs dist/main.js).
    const built = await run('pnpm', ['--filter', '@chat/gateway', 'build'], {
      cwd: REPO_ROOT,
      env: process.env,
      timeoutMs: 120_000,
    });
    expect(built.code, built.stdout + built.stderr).toBe(0);
    for (const name of ['gateway', 'sink']) {
      const result = await run(
        'pnpm',
        [
          '--filter',
          `@chat/${name}`,
          'deploy',
          '--prod',
          '--prefer-offline',
          path.join(app, 'apps', name),
        ],
        { cwd: REPO_ROOT, env: { ...process.env, npm_config_nodedir: '/usr' }, timeoutMs: 240_000 },
      );
      expect(result.code, result.stdout + result.stderr).toBe(0);
    }
    copyFileSync(repoPath('tsconfig.base.json'), path.join(app, 'tsconfig.base.json'));
  }, 300_000);

  afterAll(() => rmSync(app, { recursive: true, force: true }));

  it('starts the gateway with the image’s CMD and answers its HEALTHCHECK', async () => {
    const [command, ...args] = execForm(effective(dockerfile, 'gateway', 'CMD') ?? '') ?? [];
    expect(command).toBe('node');
    const port = await freePort();
    const gateway = ManagedProcess.start(
      'gateway image',
      process.execPath,
      args,
      { HOST: '127.0.0.1', PORT: String(port), DATA_DIR: data, LOG_LEVEL: 'warn', REDIS_URL: '' },
      path.join(app, 'apps/gateway'),
    );
    try {
      await waitFor(
        async () => {
          gateway.assertRunning();
          return (await fetch(`http://127.0.0.1:${port}/health`)).ok;
        },
        { what: 'the deployed gateway', timeoutMs: 45_000 },
      );
      const check = execForm(effective(dockerfile, 'gateway', 'HEALTHCHECK') ?? '') ?? [];
      const url = String(check.at(-1)).replace(':3000/', `:${port}/`);
      expect(
        (await run(process.execPath, [repoPath('infra/docker/healthcheck.mjs'), url])).code,
      ).toBe(0);
    } finally {
      await gateway.stop();
    }
  });

  it('runs the DynamoDB init job’s command from the sink image against dynalite', async () => {
    const job = service(loadCompose(), 'dynamodb-init');
    const [, ...args] = stringList(job['command'], 'command');
    const server = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const result = await run(process.execPath, args, {
        cwd: path.join(app, 'apps/sink'),
        env: { ...process.env, ...environmentOf(job), DYNAMODB_ENDPOINT: endpoint },
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('are ready');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
