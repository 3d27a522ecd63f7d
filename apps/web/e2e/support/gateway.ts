import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, GATEWAY_MAIN } from '@chat/local-cluster';
import { pollUntil } from './poll';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WEB_ROOT = path.resolve(here, '../..');
export const WEB_DIST = path.join(WEB_ROOT, 'dist');
const GATEWAY_DIR = path.dirname(path.dirname(GATEWAY_MAIN));

export interface RunningGateway {
  url: string;
  /** Everything the process printed, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts the real gateway (embedded mode) on a free port with a fresh data folder, serving the
 * built web app, and resolves once `GET /ready` answers 200.
 */
export async function startGateway(extraEnv: Record<string, string> = {}): Promise<RunningGateway> {
  if (!existsSync(GATEWAY_MAIN)) throw new Error(`gateway entry point missing: ${GATEWAY_MAIN}`);
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'chat-web-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', GATEWAY_MAIN], {
    cwd: GATEWAY_DIR,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, WEB_DIST, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    await stopProcess(child);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await pollUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`gateway exited:\n${output}`);
        return (await fetch(`${url}/ready`)).status;
      },
      (status) => status === 200,
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  } catch (err) {
    await stop();
    throw new Error(`gateway did not become ready:\n${output}`, { cause: err });
  }
  return { url, output: () => output, stop };
}
