import { freePort, startDynalite, startRedis, type ManagedProcess } from '@chat/local-cluster';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { startTestApp } from './test-app.js';

/** Gateway replicas sharing one deployment's stores: what a test talks to, in either mode. */
export interface TestDeployment {
  mode: 'embedded' | 'scaled';
  /** Base URL of each replica; embedded mode has one process, listed twice. */
  replicas: [string, string];
  destroy(): Promise<void>;
}

export type DeploymentFactory = (env: Record<string, string>) => Promise<TestDeployment>;

/** Embedded mode: one gateway on SQLite, in this process. */
export const embeddedDeployment: DeploymentFactory = async (env) => {
  const app = await startTestApp(env);
  return { mode: 'embedded', replicas: [app.url, app.url], destroy: () => app.destroy() };
};

/**
 * Scaled mode: two gateway replicas in this process over one redis-server and one dynalite,
 * each started on a free port with its data in a fresh folder (search on SQLite).
 */
export const scaledDeployment: DeploymentFactory = async (env) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chat-scaled-'));
  const processes: ManagedProcess[] = [];
  const apps: RunningApp[] = [];
  const destroy = async () => {
    for (const app of apps) await app.close();
    for (const child of processes) await child.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const redisPort = await freePort();
    processes.push(await startRedis(redisPort, path.join(dir, 'redis')));
    const dynamoPort = await freePort();
    processes.push(await startDynalite(dynamoPort, path.join(dir, 'dynamo')));
    const shared = {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      WEB_DIST: path.join(dir, 'no-web-build'),
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamoPort}`,
      SEARCH_SQLITE_PATH: path.join(dir, 'search.db'),
      ...env,
    };
    for (const replica of ['a', 'b']) {
      const dataDir = path.join(dir, replica);
      apps.push(await startApp(loadConfig({ ...shared, DATA_DIR: dataDir })));
    }
  } catch (error) {
    await destroy();
    throw error;
  }
  const [a, b] = apps.map((app) => app.url);
  if (!a || !b) throw new Error('two replicas were started');
  return { mode: 'scaled', replicas: [a, b], destroy };
};

/** Both modes, for `describe.each`. */
export const BOTH_MODES: [string, DeploymentFactory][] = [
  ['embedded (SQLite)', embeddedDeployment],
  ['scaled (Redis + DynamoDB on dynalite, two replicas)', scaledDeployment],
];
