import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { freePort, startCluster, type Cluster } from '@chat/local-cluster';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { LoadGenerator } from './generator/handle.js';
import type { SetupResult } from './generator/protocol.js';
import { Cleanup } from './infra/cleanup.js';
import { ForeignLoadSampler, type ForeignLoad } from './infra/proc.js';
import {
  NO_RATE_LIMITS,
  REPO_ROOT,
  startEmbedded,
  startRelay,
  startReplica,
} from './infra/servers.js';
import type { BenchOptions } from './options.js';
import { measureConnections, type ConnectionsResult } from './scenarios/connections.js';
import { measureHistory, type HistoryResult } from './scenarios/history.js';
import { measureUploads, UPLOAD_OPTIONS, type UploadsResult } from './scenarios/uploads.js';
import { measureBacklog } from './scenarios/persistence/backlog.js';
import type { PersistenceContext, PersistenceResult } from './scenarios/persistence/context.js';
import { measureIndexAdapters } from './scenarios/persistence/index-adapters.js';
import { measureLag } from './scenarios/persistence/lag.js';
import { measureRawWrites } from './scenarios/persistence/raw-writes.js';
import { waitSinkDrained } from './scenarios/persistence/sink-metrics.js';
import {
  profileArgs,
  profileStep,
  type ProfiledServer,
  type ProfileResult,
} from './scenarios/profile.js';
import { bestSustained, runRamps, type RampResult, type RampSystem } from './scenarios/ramp.js';

const run = promisify(execFile);

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  kernel: string;
  redis: string;
  nginx: string;
}

export interface Meta {
  startedAt: string;
  durationS: number;
  mode: BenchOptions['mode'];
  commit: string;
  /** Tracked files with uncommitted changes when the run started (the code measured). */
  dirty: string[];
  command: string;
  machine: Machine;
  loadavgStart: number[];
  loadavgEnd: number[];
  foreign: ForeignLoad;
  rooms: number;
  members: number;
  stepMs: number;
  drainMs: number;
}

export interface RampPair {
  ours: RampResult;
  baseline?: RampResult;
  setup: SetupResult;
}

export interface BenchResults {
  meta: Meta;
  fanout?: RampPair;
  persistence?: Partial<PersistenceResult>;
  history?: HistoryResult;
  connections?: ConnectionsResult;
  profile?: ProfileResult;
  embedded?: RampPair;
  embeddedProfile?: ProfileResult;
  uploads?: UploadsResult;
  errors: { scenario: string; message: string }[];
}

export function machine(): Machine {
  const version = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .trim()
        .split('\n')[0];
    } catch {
      return undefined;
    }
  };
  // nginx prints its version on stderr.
  const nginx = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  const nginxVersion = `${nginx.stdout ?? ''}${nginx.stderr ?? ''}`.trim();
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    kernel: release(),
    redis: version('redis-server', ['--version']) ?? 'unknown',
    nginx: nginxVersion || 'nginx: unknown version',
  };
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
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

/** The rate to profile at: the first step a ramp did not sustain, else its last one. */
function profileRate(ramp: RampResult | undefined, rates: readonly number[]): number {
  const knee = ramp?.steps.find((s) => !s.sustained)?.rate;
  return knee ?? (ramp ? bestSustained(ramp)?.rate : undefined) ?? rates.at(-1) ?? 1000;
}

/** Runs every selected scenario; never throws for a failing scenario (it is reported). */
export async function runBenchmarks(
  options: BenchOptions,
  log: (line: string) => void,
): Promise<BenchResults> {
  const started = Date.now();
  const dirty = git(['diff', '--name-only', 'HEAD'])
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const startedAt = new Date(started).toISOString();
  const loadavgStart = loadavg();
  const foreign = new ForeignLoadSampler();
  foreign.start();
  const results: Omit<BenchResults, 'meta'> = { errors: [] };
  const cleanup = new Cleanup();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chat-bench-'));
  cleanup.defer('data', () => {
    if (options.keepData) log(`data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
    return Promise.resolve();
  });
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping everything started`);
    void cleanup.all(log).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const attempt = async (scenario: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`${scenario} FAILED: ${message}`);
      results.errors.push({ scenario, message });
    }
  };
  const runTag = `b${Date.now().toString(36).slice(-5)}`;
  const ramp = {
    rates: options.rates,
    stepMs: options.stepMs,
    drainMs: options.drainMs,
    settleMs: options.settleMs,
    members: options.members,
  };
  const want = options.scenarios;
  try {
    const scaled = ['fanout', 'persistence', 'history', 'connections', 'profile'] as const;
    if (scaled.some((s) => want.has(s))) {
      await attempt('scaled cluster', async () => {
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
        const gatewayPids = () =>
          Object.fromEntries(
            [...cluster.gateways.values()].map((p, i) => [`gateway ${i + 1}`, p.pid]),
          );
        const infraPids = () => ({
          redis,
          sink: cluster.sinks[0]?.pid,
          dynalite: cluster.dynalite.pid,
        });

        if (want.has('fanout')) {
          await attempt('fanout', async () => {
            const relays: Awaited<ReturnType<typeof startRelay>>[] = [];
            cleanup.defer('relays', async () => {
              for (const r of relays) await r.proc.stop();
            });
            for (let i = 0; i < 2; i++) relays.push(await startRelay(cluster.redisUrl));
            const relayGen = LoadGenerator.start('relay');
            cleanup.defer('relay generator', () => relayGen.stop());
            await relayGen.call('setupRelay', {
              targets: relays.map((r) => r.url),
              rooms: options.rooms,
              members: options.members,
            });
            const systems: RampSystem[] = [
              {
                name: 'ours, 2 replicas',
                generator: chat,
                servers: gatewayPids,
                others: infraPids,
              },
              {
                name: 'baseline relay, 2 procs',
                generator: relayGen,
                servers: () =>
                  Object.fromEntries(relays.map((r, i) => [`relay ${i + 1}`, r.proc.pid])),
                others: () => ({ redis }),
              },
            ];
            log('fan-out ramp, ours and the baseline interleaved');
            const [ours, baseline] = await runRamps(systems, ramp, log);
            if (ours) results.fanout = { ours, ...(baseline && { baseline }), setup };
            await cleanup.run('relay generator');
            await cleanup.run('relays');
          });
        }

        const gatewayUrl = gatewayUrls[0] ?? '';
        const context: PersistenceContext = {
          cluster,
          dynamo,
          generator: chat,
          gatewayUrl,
          roomIds: setup.roomIds,
          probeToken: setup.probeToken,
          dataDir,
          log,
        };
        if (want.has('persistence')) {
          await attempt('persistence', async () => {
            const p = options.persistence;
            const persistence: Partial<PersistenceResult> = {};
            results.persistence = persistence;
            // "Normal load": well below what ours sustained in the ramp (if it ran).
            const ours = results.fanout?.ours;
            const sustained = ours
              ? (bestSustained(ours)?.rate ?? (options.rates[0] ?? 100) / 2)
              : undefined;
            const rate = Math.min(p.rate, sustained === undefined ? p.rate : sustained / 2);
            const backlogRate = Math.min(p.backlogRate, sustained ?? p.backlogRate);
            log('persistence: waiting for the sink to catch up with the ramp');
            await waitSinkDrained(cluster, 300_000);
            log(`persistence: ack → stored / searchable at ${rate} msg/s`);
            persistence.lag = await measureLag(context, rate, p.durationMs, p.trackRooms);
            log(
              `persistence: stored p50 ${persistence.lag.stored.p50.toFixed(0)} p99 ${persistence.lag.stored.p99.toFixed(0)} ms, ` +
                `searchable p50 ${persistence.lag.searchable.p50.toFixed(0)} p99 ${persistence.lag.searchable.p99.toFixed(0)} ms`,
            );
            log('persistence: sink backlog drain');
            const { result, messages } = await measureBacklog(
              context,
              backlogRate,
              Math.min(p.backlogMaxMs, Math.ceil((p.backlogMessages / backlogRate) * 1000)),
            );
            persistence.backlog = result;
            log(`persistence: raw BatchWriteItem loop over the same ${messages.length} messages`);
            persistence.raw = await measureRawWrites(context, messages);
            persistence.index = await measureIndexAdapters(
              messages,
              path.join(dataDir, 'index-bench'),
            );
          });
        }
        if (want.has('history')) {
          await attempt('history', async () => {
            results.history = await measureHistory(
              {
                dynamo,
                gatewayUrl,
                roomIds: setup.roomIds,
                probeToken: setup.probeToken,
                searchIndexPath: cluster.env['SEARCH_SQLITE_PATH'] ?? '',
                log,
              },
              options.history.targetMessages,
              options.history.samples,
            );
          });
        }
        if (want.has('connections')) {
          await attempt('connections', async () => {
            results.connections = await measureConnections(
              cluster,
              path.join(dataDir, 'cluster'),
              options.connections,
              options.connectConcurrency,
              runTag,
              log,
              options.mode === 'quick'
                ? { pauseMs: 500, samples: 2 }
                : { pauseMs: 8000, samples: 8 },
            );
          });
        }
        if (want.has('profile')) {
          await attempt('profile', async () => {
            const rate = profileRate(results.fanout?.ours, options.rates);
            log(`profile: both gateways under --cpu-prof at ${rate} msg/s`);
            for (const gateway of cluster.gateways.values()) await gateway.stop();
            const dir = path.join(dataDir, 'cpu-profiles-scaled');
            results.profile = await profileStep({
              generator: chat,
              dir,
              rate,
              durationMs: options.profileMs,
              members: options.members,
              command: 'node --cpu-prof --cpu-prof-dir=<dir> --import tsx apps/gateway/src/main.ts',
              starts: [0, 1].map(
                () => () =>
                  startReplica(cluster.env, path.join(dataDir, 'cluster'), {}, profileArgs(dir)),
              ),
            });
          });
        }
        await cleanup.run('chat generator');
        await cleanup.run('dynamo client');
        await cleanup.run('cluster');
      });
    }

    if (want.has('embedded')) {
      await attempt('embedded', async () => {
        log('embedded mode: one process, SQLite, in-memory adapter, in-process sinks');
        const embeddedDir = path.join(dataDir, 'embedded');
        const embedded = await startEmbedded(embeddedDir);
        cleanup.defer('embedded server', () => embedded.proc.stop());
        const gen = LoadGenerator.start('embedded');
        cleanup.defer('embedded generator', () => gen.stop());
        const setup = await gen.call('setupChat', {
          targets: [embedded.url],
          rooms: options.rooms,
          members: options.members,
          runTag: `${runTag}e`,
          probeName: `${runTag}eprobe`,
        });
        const systems: RampSystem[] = [
          {
            name: 'ours, embedded',
            generator: gen,
            servers: () => ({ server: embedded.proc.pid }),
          },
        ];
        if (options.embeddedBaseline) {
          const relay = await startRelay(undefined);
          cleanup.defer('single relay', () => relay.proc.stop());
          const relayGen = LoadGenerator.start('single-relay');
          cleanup.defer('single relay generator', () => relayGen.stop());
          await relayGen.call('setupRelay', {
            targets: [relay.url],
            rooms: options.rooms,
            members: options.members,
          });
          systems.push({
            name: 'baseline relay, 1 proc',
            generator: relayGen,
            servers: () => ({ relay: relay.proc.pid }),
          });
        }
        const [ours, baseline] = await runRamps(systems, ramp, log);
        if (ours) results.embedded = { ours, ...(baseline && { baseline }), setup };
        await cleanup.run('single relay generator');
        await cleanup.run('single relay');
        if (want.has('profile') && ours) {
          await attempt('embedded profile', async () => {
            const rate = profileRate(ours, options.rates);
            log(`profile: the embedded server under --cpu-prof at ${rate} msg/s`);
            await cleanup.run('embedded server');
            const dir = path.join(dataDir, 'cpu-profiles-embedded');
            results.embeddedProfile = await profileStep({
              generator: gen,
              dir,
              rate,
              durationMs: options.profileMs,
              members: options.members,
              command:
                'node --cpu-prof --cpu-prof-dir=<dir> --import tsx apps/gateway/src/main.ts (embedded)',
              starts: [(): Promise<ProfiledServer> => startEmbedded(embeddedDir, profileArgs(dir))],
            });
          });
        }
      });
    }
    if (want.has('uploads')) {
      await attempt('uploads', async () => {
        log('uploads: concurrent uploads, ours (embedded) and a bare HTTP server');
        results.uploads = await measureUploads(dataDir, UPLOAD_OPTIONS, log);
      });
    }
  } finally {
    await cleanup.all(log);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  return {
    meta: {
      startedAt,
      durationS: (Date.now() - started) / 1000,
      mode: options.mode,
      commit,
      dirty,
      command: `node --import tsx src/main.ts ${process.argv.slice(2).join(' ')}`.trim(),
      machine: machine(),
      loadavgStart,
      loadavgEnd: loadavg(),
      foreign: foreign.stop(),
      rooms: options.rooms,
      members: options.members,
      stepMs: options.stepMs,
      drainMs: options.drainMs,
    },
    ...results,
  };
}
