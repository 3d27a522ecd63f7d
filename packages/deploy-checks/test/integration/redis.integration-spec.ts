import { freePort, ManagedProcess, waitFor } from '@chat/local-cluster';
import { Redis } from 'ioredis';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentOf, loadCompose, service } from '../../src/compose.js';
import { repoPath, stringList } from '../../src/repo.js';
import { run } from '../../src/run.js';

/** infra/redis/start.sh with infra/redis/redis.conf on Debian's redis-server, as compose runs it. */
describe('the redis service', () => {
  const compose = loadCompose();
  const redis = service(compose, 'redis');
  const password = String(environmentOf(redis)['REDIS_PASSWORD']);
  const maxmemory = String(environmentOf(redis)['REDIS_MAXMEMORY']);
  const work = mkdtempSync(path.join(tmpdir(), 'deploy-redis-'));
  let server: ManagedProcess;
  let port = 0;
  const clients: Redis[] = [];
  const errors: unknown[] = [];
  const connect = (auth?: string) => {
    const client = new Redis({
      port,
      host: '127.0.0.1',
      password: auth,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    // Refused connections and auth failures are what some tests expect; keep them off stderr.
    client.on('error', (error: unknown) => errors.push(error));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    port = await freePort();
    const [shell, script] = stringList(redis['entrypoint'], 'entrypoint');
    expect(script).toBe('/usr/local/etc/redis/start.sh');
    expect(stringList(redis['volumes'], 'volumes')).toContain(
      './infra/redis:/usr/local/etc/redis:ro',
    );
    server = ManagedProcess.start(
      'redis',
      String(shell),
      [repoPath('infra/redis/start.sh'), '--port', String(port), '--bind', '127.0.0.1'],
      {
        REDIS_PASSWORD: password,
        REDIS_MAXMEMORY: maxmemory,
        REDIS_CONF_DIR: repoPath('infra/redis'),
        REDIS_RUNTIME_DIR: path.join(work, 'run'),
      },
      work,
    );
    await waitFor(
      async () => {
        server.assertRunning();
        return (await connect(password).ping()) === 'PONG';
      },
      { what: 'redis-server' },
    );
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('requires the password', async () => {
    await expect(connect().ping()).rejects.toThrow(/NOAUTH/);
    await expect(connect('wrong').ping()).rejects.toThrow(/WRONGPASS|invalid/);
  });

  it('keeps the log durable: AOF on, fsynced every second, never evicting', async () => {
    const client = connect(password);
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await client.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
    expect(await client.config('GET', 'maxmemory-policy')).toEqual([
      'maxmemory-policy',
      'noeviction',
    ]);
    expect(statSync(path.join(work, 'appendonlydir')).isDirectory()).toBe(true);
  });

  it('caps its memory (REDIS_MAXMEMORY), so noeviction refuses writes instead of the host killing it', async () => {
    const units: Record<string, number> = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
    const [, amount = '', unit = ''] = /^(\d+)(kb|mb|gb)$/.exec(maxmemory) ?? [];
    expect(Number(amount)).toBeGreaterThan(0);
    const client = connect(password);
    expect(await client.config('GET', 'maxmemory')).toEqual([
      'maxmemory',
      String(Number(amount) * (units[unit] ?? 0)),
    ]);
  });

  it('refuses to start without a memory cap', async () => {
    const result = await run('sh', [repoPath('infra/redis/start.sh')], {
      env: {
        PATH: process.env['PATH'] ?? '',
        REDIS_PASSWORD: password,
        REDIS_CONF_DIR: repoPath('infra/redis'),
        REDIS_RUNTIME_DIR: path.join(work, 'uncapped'),
      },
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('REDIS_MAXMEMORY');
  });

  it('keeps the password off the command line, in a private config file', () => {
    const cmdline = readFileSync(`/proc/${String(server.pid)}/cmdline`, 'utf8');
    expect(cmdline).toContain('redis-server');
    expect(cmdline).not.toContain(password);
    expect(statSync(path.join(work, 'run', 'redis.conf')).mode & 0o077).toBe(0);
  });
});
