/**
 * What the soak's load runs against: the local cluster with its processes watched, the base
 * load's long-lived members and the churn's pooled users, each in a generator process.
 */
import { freePort, startCluster, type Cluster } from '@chat/local-cluster';
import path from 'node:path';
import { LoadGenerator } from '../generator/handle.js';
import type { ChurnArgs, SetupResult } from '../generator/protocol.js';
import type { Cleanup } from '../infra/cleanup.js';
import { NO_RATE_LIMITS } from '../infra/servers.js';
import type { SoakOptions } from './options.js';
import { attachInspectors, watchCluster, type Watched } from './sampler.js';

export interface SoakEnv {
  options: SoakOptions;
  log: (line: string) => void;
  cleanup: Cleanup;
  dataDir: string;
  cluster: Cluster;
  watched: Watched[];
  /** The long-lived members' generator and their rooms. */
  base: LoadGenerator;
  setup: SetupResult;
  /** The churn's generator, its pool signed in and invited. */
  churn: LoadGenerator;
  churnArgs: ChurnArgs;
  churnPool: number;
}

/** The cluster, with the inspector on a free loopback port in every process. */
async function startInspectableCluster(dataDir: string, cleanup: Cleanup) {
  const ports = [await freePort(), await freePort()];
  const cluster = await startCluster({
    port: await freePort(),
    gatewayPorts: ports,
    dataDir: path.join(dataDir, 'cluster'),
    webDist: path.join(dataDir, 'no-web-build'),
    // The inspector on a free loopback port: the harness forces GCs and reads the heap
    // through it (no code change in the processes).
    env: { ...NO_RATE_LIMITS, NODE_OPTIONS: '--inspect=127.0.0.1:0' },
  });
  cleanup.defer('cluster', () => cluster.stop());
  const gatewayUrls = ports.map((p) => `http://127.0.0.1:${p}`);
  return { cluster, ports, gatewayUrls };
}

/**
 * Starts the cluster and both generators; `onWatched` gets the watched processes as soon as
 * they are known (so a later failure still reports them).
 */
export async function startSoakLoad(
  options: SoakOptions,
  log: (line: string) => void,
  cleanup: Cleanup,
  dataDir: string,
  onWatched: (watched: readonly Watched[]) => void,
): Promise<SoakEnv> {
  log('starting the local cluster (redis-server, dynalite, 2 gateways, sink, nginx)');
  const { cluster, ports, gatewayUrls } = await startInspectableCluster(dataDir, cleanup);
  const watched = watchCluster(cluster, ports, gatewayUrls);
  onWatched(watched);
  await attachInspectors(watched, cleanup);
  const runTag = `s${Date.now().toString(36).slice(-5)}`;
  const base = LoadGenerator.start('soak-base');
  cleanup.defer('base generator', () => base.stop());
  const setup = await base.call('setupChat', {
    targets: gatewayUrls,
    rooms: options.rooms,
    members: options.members,
    runTag,
    probeName: `${runTag}probe`,
  });
  log(
    `${options.rooms} rooms × ${options.members} long-lived members over 2 replicas ` +
      `in ${(setup.setupMs / 1000).toFixed(1)} s`,
  );
  const churn = LoadGenerator.start('soak-churn');
  cleanup.defer('churn generator', () => churn.stop());
  const poolSetup = await churn.call('setupChurn', {
    targets: gatewayUrls,
    runTag,
    poolSize: options.churn.poolSize,
    roomIds: setup.roomIds,
    inviterToken: setup.probeToken,
  });
  log(`${poolSetup.pool} churn users signed in and invited to the long-lived rooms`);
  const { sessionsPerSec, signinsPerSec, messagesPerSession, pauseMs } = options.churn;
  return {
    options,
    log,
    cleanup,
    dataDir,
    cluster,
    watched,
    base,
    setup,
    churn,
    churnArgs: { sessionsPerSec, signinsPerSec, messagesPerSession, pauseMs },
    churnPool: poolSetup.pool,
  };
}
