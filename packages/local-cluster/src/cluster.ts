import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GATEWAY_MAIN, REPO_ROOT, SINK_MAIN } from './entrypoints.js';
import { answers, freePort, ManagedProcess, waitFor } from './managed-process.js';
import { startNginx } from './nginx.js';
import { assertRequiredPrograms } from './requirements.js';
import { LOCAL_ATTACHMENT_BUCKET, startDynalite, startRedis, startS3rver } from './services.js';

export interface ClusterOptions {
  /** nginx's port: the cluster's single entry point. */
  port: number;
  /** One gateway replica per port. */
  gatewayPorts: number[];
  dataDir: string;
  webDist?: string;
  /** Sink worker processes, each running both sinks (default 1). */
  sinkWorkers?: number;
  /** Extra environment for gateways and sinks (e.g. rate limits for load tests). */
  env?: Record<string, string>;
}

export interface Cluster {
  url: string;
  /** With the password: redis-server requires one, as in docker compose. */
  redisUrl: string;
  dynamoEndpoint: string;
  /** s3rver, holding the attachments in `LOCAL_ATTACHMENT_BUCKET`. */
  s3Endpoint: string;
  gateways: Map<number, ManagedProcess>;
  sinks: ManagedProcess[];
  /** Base URL of each sink worker's health server (`/ready`, `/metrics`). */
  sinkHealthUrls: string[];
  dynalite: ManagedProcess;
  /** The environment every gateway and sink got (to start more, or restart one). */
  env: Record<string, string>;
  startGateway(port: number): Promise<ManagedProcess>;
  /** Starts sink worker `index`; waits until it is ready unless told not to. */
  startSink(index: number, waitReady?: boolean): Promise<ManagedProcess>;
  /** Starts dynalite again on the same port and data (after a test stopped it). */
  restartDynalite(): Promise<ManagedProcess>;
  redis: ManagedProcess;
  /** Starts redis-server again on the same port and data, replaying its AOF. */
  restartRedis(): Promise<ManagedProcess>;
  stop(): Promise<void>;
}

/**
 * The scaled topology on one machine, without Docker: redis-server (AOF), dynalite, s3rver, gateway
 * replicas on `gatewayPorts`, sink workers, and nginx on `port` in front — all on loopback,
 * data under `dataDir`. `stop` stops everything it started, by PID, newest first.
 *
 * Fails before starting anything when a program it needs is missing (MissingProgramsError,
 * naming the Debian packages). No process it starts outlives the caller (ManagedProcess).
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  assertRequiredPrograms();
  const { dataDir } = options;
  mkdirSync(dataDir, { recursive: true });
  const redisPassword = keptSecret(dataDir, 'redis-password', 24, 'hex');
  const started: ManagedProcess[] = [];
  const stopAll = async () => {
    for (const proc of started.reverse()) await proc.stop();
  };
  try {
    const [redisPort, dynamoPort, s3Port] = [await freePort(), await freePort(), await freePort()];
    let redis = await startRedis(redisPort, path.join(dataDir, 'redis'), redisPassword);
    started.push(redis);
    let dynalite = await startDynalite(dynamoPort, path.join(dataDir, 'dynamo'));
    started.push(dynalite);
    started.push(await startS3rver(s3Port, path.join(dataDir, 's3')));
    const env: Record<string, string> = {
      HOST: '127.0.0.1',
      REDIS_URL: `redis://:${redisPassword}@127.0.0.1:${redisPort}`,
      DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamoPort}`,
      AWS_REGION: 'local',
      ATTACHMENT_STORE: 's3',
      S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
      S3_BUCKET: LOCAL_ATTACHMENT_BUCKET,
      // s3rver checks signatures against this pair.
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      // No Elasticsearch on this machine: the processes share a SQLite search index.
      SEARCH_SQLITE_PATH: path.join(dataDir, 'search', 'search.db'),
      // Every replica must accept every other's guest tokens: one secret, kept with the data.
      AUTH_SECRET: keptSecret(dataDir, 'auth-secret', 48, 'base64url'),
      WEB_DIST: options.webDist ?? path.join(REPO_ROOT, 'apps/web/dist'),
      LOG_LEVEL: 'warn',
      // nginx in front appends the client's address to X-Forwarded-For: per-address limits
      // count clients, not nginx.
      TRUSTED_PROXY_HOPS: '1',
      ...options.env,
    };
    const gateways = new Map<number, ManagedProcess>();
    const sinks: ManagedProcess[] = [];
    const sinkHealthUrls: string[] = [];
    const startGateway = async (port: number) => {
      const gateway = ManagedProcess.start(
        `gateway-${port}`,
        process.execPath,
        ['--import', 'tsx', GATEWAY_MAIN],
        { ...env, PORT: String(port), DATA_DIR: path.join(dataDir, `gateway-${port}`) },
        path.dirname(GATEWAY_MAIN),
      );
      started.push(gateway);
      gateways.set(port, gateway);
      await waitFor(
        async () => {
          gateway.assertRunning();
          return answers(`http://127.0.0.1:${port}/ready`)();
        },
        { what: `gateway on ${port}` },
      );
      return gateway;
    };
    const startSink = async (index: number, waitReady = true) => {
      const healthPort = await freePort();
      const sink = ManagedProcess.start(
        `sink-${index}`,
        process.execPath,
        ['--import', 'tsx', SINK_MAIN],
        {
          ...env,
          SINKS: 'store,search',
          SINK_CONSUMER: `local-sink-${index}`,
          HEALTH_PORT: String(healthPort),
        },
        path.dirname(SINK_MAIN),
      );
      started.push(sink);
      sinks[index] = sink;
      sinkHealthUrls[index] = `http://127.0.0.1:${healthPort}`;
      await waitFor(
        async () => {
          sink.assertRunning();
          return answers(`http://127.0.0.1:${healthPort}/${waitReady ? 'ready' : 'health'}`)();
        },
        { what: `sink worker ${index}` },
      );
      return sink;
    };
    // One gateway first: it creates the tables the others then find.
    const [first, ...rest] = options.gatewayPorts;
    if (first !== undefined) await startGateway(first);
    await Promise.all(rest.map(startGateway));
    for (let i = 0; i < (options.sinkWorkers ?? 1); i++) await startSink(i);
    started.push(
      await startNginx({
        listen: `127.0.0.1:${options.port}`,
        upstreams: options.gatewayPorts.map((p) => `127.0.0.1:${p}`),
        webRoot: env['WEB_DIST'] ?? '',
        runtimeDir: path.join(dataDir, 'nginx'),
      }),
    );
    return {
      url: `http://127.0.0.1:${options.port}`,
      redisUrl: env['REDIS_URL'] ?? '',
      dynamoEndpoint: env['DYNAMODB_ENDPOINT'] ?? '',
      s3Endpoint: env['S3_ENDPOINT'] ?? '',
      gateways,
      sinks,
      sinkHealthUrls,
      get dynalite() {
        return dynalite;
      },
      get redis() {
        return redis;
      },
      async restartRedis() {
        redis = await startRedis(redisPort, path.join(dataDir, 'redis'), redisPassword);
        started.push(redis);
        return redis;
      },
      async restartDynalite() {
        dynalite = await startDynalite(dynamoPort, path.join(dataDir, 'dynamo'));
        started.push(dynalite);
        return dynalite;
      },
      env,
      startGateway,
      startSink,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A random secret generated on the first start and kept (private) in the data folder. */
function keptSecret(
  dataDir: string,
  name: string,
  bytes: number,
  encoding: 'hex' | 'base64url',
): string {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(bytes).toString(encoding);
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
