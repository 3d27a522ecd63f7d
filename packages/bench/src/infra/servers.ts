import { freePort, GATEWAY_MAIN, ManagedProcess, waitFor } from '@chat/local-cluster';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NO_RATE_LIMITS } from '@chat/test-support';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PACKAGE_DIR = path.resolve(HERE, '../..');
export const REPO_ROOT = path.resolve(PACKAGE_DIR, '../..');
export { GATEWAY_MAIN };
const RELAY_MAIN = path.join(HERE, '../relay/main.ts');

export { NO_RATE_LIMITS };

/** Variables that would switch a gateway to scaled mode or another store: blanked. */
const SCALED_VARIABLES = {
  REDIS_URL: '',
  DYNAMODB_ENDPOINT: '',
  ELASTICSEARCH_URL: '',
  SEARCH_SQLITE_PATH: '',
  NODE_OPTIONS: '',
};

/** Starts one process and waits until `url` answers 2xx; stops it if it never does. */
export async function startAndWait(
  name: string,
  args: string[],
  env: Record<string, string>,
  url: string,
  cwd?: string,
  timeoutMs = 60_000,
): Promise<ManagedProcess> {
  const proc = ManagedProcess.start(name, process.execPath, args, env, cwd);
  try {
    await waitFor(
      async () => {
        proc.assertRunning();
        return (await fetch(url)).ok;
      },
      { what: name, timeoutMs },
    );
  } catch (error) {
    await proc.stop(2000);
    const output = proc.logs().slice(-3000);
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}; its output:\n${output}`,
      { cause: error },
    );
  }
  return proc;
}

/** A baseline relay process (Redis adapter when `redisUrl` is given). */
export async function startRelay(
  redisUrl: string | undefined,
): Promise<{ url: string; proc: ManagedProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await startAndWait(
    `relay-${port}`,
    ['--import', 'tsx', RELAY_MAIN],
    { PORT: String(port), HOST: '127.0.0.1', REDIS_URL: redisUrl ?? '', NODE_OPTIONS: '' },
    url,
    PACKAGE_DIR,
  );
  return { url, proc };
}

/** The embedded single-process server (SQLite, in-memory adapter, in-process sinks). */
export async function startEmbedded(
  dataDir: string,
  nodeArgs: string[] = [],
  env: Record<string, string> = {},
): Promise<{ url: string; proc: ManagedProcess; startedAt: number }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const startedAt = performance.timeOrigin + performance.now();
  const proc = await startAndWait(
    `embedded-${port}`,
    [...nodeArgs, '--import', 'tsx', GATEWAY_MAIN],
    {
      ...SCALED_VARIABLES,
      ...NO_RATE_LIMITS,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      WEB_DIST: path.join(dataDir, 'no-web-build'),
      LOG_LEVEL: 'warn',
      ...env,
    },
    `${url}/ready`,
    path.dirname(GATEWAY_MAIN),
  );
  return { url, proc, startedAt };
}

/** A gateway replica like the cluster's, with extra environment and node flags. */
export async function startReplica(
  clusterEnv: Record<string, string>,
  dataDir: string,
  extra: Record<string, string>,
  nodeArgs: string[] = [],
  attempts = 2,
): Promise<{ url: string; port: number; proc: ManagedProcess; startedAt: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const startedAt = performance.timeOrigin + performance.now();
    try {
      const proc = await startAndWait(
        `gateway-${port}`,
        [...nodeArgs, '--import', 'tsx', GATEWAY_MAIN],
        {
          ...clusterEnv,
          PORT: String(port),
          DATA_DIR: path.join(dataDir, `gateway-${port}`),
          ...extra,
        },
        `${url}/ready`,
        path.dirname(GATEWAY_MAIN),
      );
      return { url, port, proc, startedAt };
    } catch (error) {
      // A start that merely timed out on a busy machine gets one more chance (it was stopped).
      if (attempt >= attempts || !String(error).includes('timed out')) throw error;
      process.stderr.write(`gateway replica start timed out; retrying: ${String(error)}\n`);
    }
  }
}

/** One sample value of a Prometheus text exposition (first series matching the labels). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}) {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const labelPart = rest[0] === '{' ? rest.slice(1, rest.indexOf('}')) : '';
    const ok = Object.entries(labels).every(([k, v]) => labelPart.includes(`${k}="${v}"`));
    if (!ok) continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) return value;
  }
  return undefined;
}

export async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.text();
}
