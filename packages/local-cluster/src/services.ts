import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { ManagedProcess, waitFor } from './managed-process.js';

const run = promisify(execFile);

/**
 * `redis-server` with AOF on (`appendfsync everysec`), on loopback, data under `dir`. With a
 * `password`, it requires it (`requirepass`), read from a private config file in `dir` rather
 * than the command line, where `ps` would show it — as infra/redis/start.sh does in compose.
 */
export async function startRedis(
  port: number,
  dir: string,
  password?: string,
): Promise<ManagedProcess> {
  mkdirSync(dir, { recursive: true });
  const config: string[] = [];
  if (password) {
    const file = path.join(dir, 'auth.conf');
    const escaped = password.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    writeFileSync(file, `requirepass "${escaped}"\n`, { mode: 0o600 });
    config.push(file);
  }
  const redis = ManagedProcess.start('redis-server', 'redis-server', [
    ...config,
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
  ]);
  // redis-cli reads the password from REDISCLI_AUTH, off its command line too.
  const env = password ? { ...process.env, REDISCLI_AUTH: password } : process.env;
  await waitFor(
    async () => {
      redis.assertRunning();
      const { stdout } = await run('redis-cli', ['-p', String(port), 'ping'], { env });
      return stdout.trim() === 'PONG';
    },
    { what: `redis-server on ${port}` },
  );
  return redis;
}

/** dynalite (DynamoDB's API on LevelDB) as its own process, data under `dir`. */
export async function startDynalite(port: number, dir: string): Promise<ManagedProcess> {
  mkdirSync(dir, { recursive: true });
  const cli = path.join(
    path.dirname(createRequire(import.meta.url).resolve('dynalite/package.json')),
    'cli.js',
  );
  const dynalite = ManagedProcess.start('dynalite', process.execPath, [
    cli,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--path',
    dir,
    '--createTableMs',
    '0',
    '--deleteTableMs',
    '0',
    '--updateTableMs',
    '0',
  ]);
  // Any HTTP answer (dynalite says 400 to a bare GET) means it is listening.
  await waitFor(
    async () => {
      dynalite.assertRunning();
      await fetch(`http://127.0.0.1:${port}/`);
      return true;
    },
    { what: `dynalite on ${port}` },
  );
  return dynalite;
}

/** The bucket the local cluster keeps attachments in. */
export const LOCAL_ATTACHMENT_BUCKET = 'chat-attachments';

/** s3rver (S3's API over a folder) as its own process, with the attachments bucket. */
export async function startS3rver(port: number, dir: string): Promise<ManagedProcess> {
  mkdirSync(dir, { recursive: true });
  const cli = path.join(
    path.dirname(createRequire(import.meta.url).resolve('s3rver/package.json')),
    'bin/s3rver.js',
  );
  const s3rver = ManagedProcess.start('s3rver', process.execPath, [
    cli,
    '--directory',
    dir,
    '--address',
    '127.0.0.1',
    '--port',
    String(port),
    '--silent',
    '--configure-bucket',
    LOCAL_ATTACHMENT_BUCKET,
  ]);
  await waitFor(
    async () => {
      s3rver.assertRunning();
      await fetch(`http://127.0.0.1:${port}/`);
      return true;
    },
    { what: `s3rver on ${port}` },
  );
  return s3rver;
}
