import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cluster } from 'ioredis';
import { Redis } from 'ioredis';
import { connectRedis } from '../../src/scaled.js';
import { freePort, waitFor } from '@chat/test-support';
import { freeClusterPort } from './free-port.js';

/** A `redis-server` this test started: never the machine's shared one on 6379. */
export interface RedisServer {
  port: number;
  url: string;
  /** A new client of this server; closed by `stop`. */
  client(): Redis;
  stop(): Promise<void>;
}

function startProcess(args: string[], cwd: string): ChildProcess {
  const child = spawn('redis-server', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.setEncoding('utf8');
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

const baseArgs = (port: number, dir: string) => [
  '--port',
  String(port),
  '--bind',
  '127.0.0.1',
  '--save',
  '',
  '--appendonly',
  'no',
  '--dir',
  dir,
];

/** Starts a standalone `redis-server` on a free port in a temporary directory. */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'chat-redis-'));
  const port = await freePort();
  const child = startProcess(baseArgs(port, dir), dir);
  const clients: Redis[] = [];
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      return (await redisCli(['-p', String(port), 'ping'])).trim() === 'PONG';
    },
    { what: `redis-server on ${port}`, timeoutMs: 15_000 },
  );
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    client() {
      const client = new Redis({ port, host: '127.0.0.1' });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.disconnect();
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A three-master Redis Cluster this test started. */
export interface RedisClusterServer {
  ports: number[];
  client(): Cluster;
  stop(): Promise<void>;
}

/** The password every cluster node requires, as a production cluster would. */
const CLUSTER_PASSWORD = 'cluster-test-password';

/**
 * Starts three `redis-server --cluster-enabled yes` nodes that require a password and joins them
 * with `redis-cli`. Clients connect the way the apps do (`connectRedis`, password in the URL).
 */
export async function startRedisCluster(): Promise<RedisClusterServer> {
  const dir = await mkdtemp(join(tmpdir(), 'chat-redis-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) ports.push(await freeClusterPort(new Set(ports)));
  const children = ports.map((port) =>
    startProcess(
      [
        ...baseArgs(port, dir),
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--cluster-node-timeout',
        '5000',
        '--requirepass',
        CLUSTER_PASSWORD,
        '--masterauth',
        CLUSTER_PASSWORD,
      ],
      dir,
    ),
  );
  const clients: Cluster[] = [];
  const stop = async () => {
    for (const client of clients) client.disconnect();
    await Promise.all(children.map(stopProcess));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const auth = { REDISCLI_AUTH: CLUSTER_PASSWORD };
    for (const port of ports) {
      await waitFor(
        async () => (await redisCli(['-p', String(port), 'ping'], auth)).trim() === 'PONG',
        { what: `cluster node ${port}`, timeoutMs: 15_000 },
      );
    }
    const nodes = ports.map((p) => `127.0.0.1:${p}`);
    await redisCli(
      ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'],
      auth,
    );
    for (const port of ports) {
      await waitFor(
        async () =>
          (await redisCli(['-p', String(port), 'cluster', 'info'], auth)).includes(
            'cluster_state:ok',
          ),
        { what: `cluster_state:ok on ${port}`, timeoutMs: 15_000 },
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ports,
    client() {
      const client = connectRedis({
        REDIS_URL: `redis://:${CLUSTER_PASSWORD}@127.0.0.1:${ports[0] ?? 0}`,
        REDIS_CLUSTER: true,
      }) as Cluster;
      clients.push(client);
      return client;
    },
    stop,
  };
}

/** Runs `redis-cli` and answers its output; rejects when it exits non-zero. */
function redisCli(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`redis-cli ${args.join(' ')} failed:\n${output}`)),
    );
  });
}
