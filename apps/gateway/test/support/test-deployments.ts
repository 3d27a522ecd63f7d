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
  /** Stops every gateway and starts it again on the same stores (new URLs in `replicas`). */
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

export type DeploymentFactory = (env: Record<string, string>) => Promise<TestDeployment>;

/** Embedded mode: one gateway on SQLite, in this process. */
export const embeddedDeployment: DeploymentFactory = async (env) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chat-gateway-'));
  let app = await startTestApp(env, dir);
  const deployment: TestDeployment = {
    mode: 'embedded',
    replicas: [app.url, app.url],
    async restart() {
      await app.close();
      app = await startTestApp(env, dir);
      deployment.replicas = [app.url, app.url];
    },
    async destroy() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return deployment;
};

/**
 * Scaled mode: two gateway replicas in this process over one redis-server and one dynalite,
 * each started on a free port with its data in a fresh folder (search on SQLite).
 */
export const scaledDeployment: DeploymentFactory = async (env) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chat-scaled-'));
  const processes: ManagedProcess[] = [];
  let apps: RunningApp[] = [];
  const configs: ReturnType<typeof loadConfig>[] = [];
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
      configs.push(loadConfig({ ...shared, DATA_DIR: path.join(dir, replica) }));
    }
    for (const config of configs) apps.push(await startApp(config));
  } catch (error) {
    await destroy();
    throw error;
  }
  const urls = (): [string, string] => {
    const [a, b] = apps.map((app) => app.url);
    if (!a || !b) throw new Error('two replicas were started');
    return [a, b];
  };
  const deployment: TestDeployment = {
    mode: 'scaled',
    replicas: urls(),
    async restart() {
      for (const app of apps) await app.close();
      apps = [];
      for (const config of configs) apps.push(await startApp(config));
      deployment.replicas = urls();
    },
    destroy,
  };
  return deployment;
};

/** Both modes, for `describe.each`. */
export const BOTH_MODES: [string, DeploymentFactory][] = [
  ['embedded (SQLite)', embeddedDeployment],
  ['scaled (Redis + DynamoDB on dynalite, two replicas)', scaledDeployment],
];
