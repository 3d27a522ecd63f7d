import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { freePort, startCluster, type Cluster } from '@chat/local-cluster';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { LoadGenerator } from '../generator/handle.js';
import type { SetupResult } from '../generator/protocol.js';
import { NO_RATE_LIMITS } from '../infra/servers.js';
import { changesScenario } from './scaled/changes.js';
import { connectionsScenario } from './scaled/connections.js';
import { fanoutScenario } from './scaled/fanout.js';
import { historyScenario } from './scaled/history.js';
import { persistenceScenario } from './scaled/persistence.js';
import { profileScenario } from './scaled/profile.js';
import { defineStage, type RunContext } from './stage.js';

const run = promisify(execFile);

/** The local cluster and the chat generator's users, shared by the scaled scenarios. */
export interface ScaledEnv extends RunContext {
  cluster: Cluster;
  dynamo: DynamoDBClient;
  /** The load generator whose users sit in the ramp rooms. */
  chat: LoadGenerator;
  setup: SetupResult;
  gatewayUrls: string[];
  /** Server processes by name, for CPU per step. */
  gatewayPids: () => Record<string, number | undefined>;
  infraPids: () => Record<string, number | undefined>;
  redisPid: number | undefined;
}

async function redisPid(redisUrl: string): Promise<number | undefined> {
  const { port, password } = new URL(redisUrl);
  try {
    const { stdout } = await run('redis-cli', ['-p', port, 'info', 'server'], {
      env: { ...process.env, REDISCLI_AUTH: decodeURIComponent(password) },
    });
    const match = /process_id:(\d+)/.exec(stdout);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function start(ctx: RunContext): Promise<ScaledEnv> {
  const { options, cleanup, dataDir, log, runTag } = ctx;
  log('starting the local cluster (redis-server, dynalite, 2 gateways, sink, nginx)');
  const ports = [await freePort(), await freePort()];
  const cluster: Cluster = await startCluster({
    port: await freePort(),
    gatewayPorts: ports,
    dataDir: path.join(dataDir, 'cluster'),
    webDist: path.join(dataDir, 'no-web-build'),
    env: { ...NO_RATE_LIMITS },
  });
  cleanup.defer('cluster', () => cluster.stop());
  const gatewayUrls = ports.map((p) => `http://127.0.0.1:${p}`);
  const redis = await redisPid(cluster.redisUrl);
  const dynamo = new DynamoDBClient({
    region: 'local',
    endpoint: cluster.dynamoEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  cleanup.defer('dynamo client', () => Promise.resolve(dynamo.destroy()));
  const chat = LoadGenerator.start('chat');
  cleanup.defer('chat generator', () => chat.stop());
  const setup = await chat.call('setupChat', {
    targets: gatewayUrls,
    rooms: options.rooms,
    members: options.members,
    runTag,
    probeName: `${runTag}probe`,
  });
  log(
    `${options.rooms} rooms × ${options.members} members connected over 2 replicas ` +
      `in ${(setup.setupMs / 1000).toFixed(1)} s`,
  );
  return {
    ...ctx,
    cluster,
    dynamo,
    chat,
    setup,
    gatewayUrls,
    gatewayPids: () =>
      Object.fromEntries([...cluster.gateways.values()].map((p, i) => [`gateway ${i + 1}`, p.pid])),
    infraPids: () => ({ redis, sink: cluster.sinks[0]?.pid, dynalite: cluster.dynalite.pid }),
    redisPid: redis,
  };
}

/** Two gateway replicas on one Redis with a sink: the scenarios of the scaled mode, in order. */
const SCENARIOS = [
  fanoutScenario,
  changesScenario,
  persistenceScenario,
  historyScenario,
  connectionsScenario,
  profileScenario,
];

export const scaledStage = defineStage<ScaledEnv>({
  name: 'scaled cluster',
  // Each scenario here is named as `--only` names it.
  wanted: (options) =>
    SCENARIOS.some((s) => (options.scenarios as ReadonlySet<string>).has(s.name)),
  start,
  scenarios: SCENARIOS,
  stop: async ({ cleanup }) => {
    await cleanup.run('chat generator');
    await cleanup.run('dynamo client');
    await cleanup.run('cluster');
  },
});
