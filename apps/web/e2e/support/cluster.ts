import {
  CHAT_NAMESPACE,
  SOCKET_PATH,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SessionResponse,
} from '@chat/contracts';
import { freePort, startCluster, type Cluster } from '@chat/local-cluster';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { WEB_DIST } from './gateway';
import { pollUntil } from './poll';

/** nginx's sticky-routing cookie (see infra/nginx/nginx.conf.template). */
export const LB_COOKIE = 'chat_lb';

export interface RunningCluster {
  /** nginx: the one entry point the browsers use. */
  url: string;
  /** Port of each gateway replica, in start order. */
  replicaPorts: number[];
  cluster: Cluster;
  stop: () => Promise<void>;
}

/**
 * The scaled topology (redis-server, dynalite, two gateway replicas, a sink worker, nginx) on
 * free loopback ports, with nginx serving the built web app. `stop` stops every process it
 * started and removes the data folder.
 */
export async function startWebCluster(replicas = 2): Promise<RunningCluster> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'chat-web-e2e-cluster-'));
  const replicaPorts: number[] = [];
  for (let i = 0; i < replicas; i++) replicaPorts.push(await freePort());
  let cluster: Cluster;
  try {
    cluster = await startCluster({
      port: await freePort(),
      gatewayPorts: replicaPorts,
      dataDir,
      webDist: WEB_DIST,
    });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: cluster.url,
    replicaPorts,
    cluster,
    stop: async () => {
      await cluster.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The `chat_socket_connections` gauge of one replica, read from its own `/metrics`. */
export async function socketConnections(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics on ${port}: ${res.status}`);
  const match = /^chat_socket_connections (\S+)$/m.exec(await res.text());
  if (!match?.[1]) throw new Error(`no chat_socket_connections gauge on ${port}`);
  return Number(match[1]);
}

/** Open Socket.IO connections per replica, in `replicaPorts` order. */
export const connectionCounts = (c: RunningCluster): Promise<number[]> =>
  Promise.all(c.replicaPorts.map(socketConnections));

/** Waits until the replicas report exactly `expected` open connections (in port order). */
export const waitForConnections = (c: RunningCluster, expected: number[], timeoutMs = 15_000) =>
  pollUntil(
    () => connectionCounts(c),
    (counts) => counts.join() === expected.join(),
    { timeoutMs },
  );

async function guestToken(url: string, name: string): Promise<string> {
  const res = await fetch(`${url}/chat/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`POST /chat/session: ${res.status} ${await res.text()}`);
  return ((await res.json()) as SessionResponse).token;
}

/**
 * The replica nginx routes a given `chat_lb` cookie to, found empirically: a Socket.IO
 * connection is opened through nginx with only that cookie, and the replica whose own
 * `chat_socket_connections` gauge goes from 0 to 1 is the one that holds it. Every replica must
 * be idle (no connections) before and is idle again after.
 */
async function replicaFor(c: RunningCluster, token: string, value: string): Promise<number> {
  await waitForConnections(
    c,
    c.replicaPorts.map(() => 0),
  );
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(
    new URL(CHAT_NAMESPACE, c.url).href,
    {
      path: SOCKET_PATH,
      auth: { token },
      transports: ['websocket'],
      extraHeaders: { cookie: `${LB_COOKIE}=${value}` },
      reconnection: false,
      forceNew: true,
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const counts = await pollUntil(
      () => connectionCounts(c),
      (n) => n.reduce((a, b) => a + b, 0) === 1,
    );
    const port = c.replicaPorts[counts.indexOf(1)];
    if (port === undefined) throw new Error(`no replica holds the probe: ${counts.join()}`);
    return port;
  } finally {
    socket.disconnect();
    await waitForConnections(
      c,
      c.replicaPorts.map(() => 0),
    );
  }
}

/**
 * One `chat_lb` cookie value per replica (port → value): candidates `<prefix>-0`, `-1`, … are
 * probed through nginx until every replica has one. The consistent hash depends on the
 * replicas' addresses, which change every run, so this cannot be fixed in advance.
 */
export async function cookieValuePerReplica(
  c: RunningCluster,
  prefix = 'e2e',
  maxCandidates = 64,
): Promise<Map<number, string>> {
  const token = await guestToken(c.url, 'lb-probe');
  const found = new Map<number, string>();
  for (let i = 0; i < maxCandidates && found.size < c.replicaPorts.length; i++) {
    const value = `${prefix}-${i}`;
    const port = await replicaFor(c, token, value);
    if (!found.has(port)) found.set(port, value);
  }
  if (found.size < c.replicaPorts.length) {
    throw new Error(
      `${maxCandidates} cookie values reached only replicas ${[...found.keys()].join(', ')}`,
    );
  }
  return found;
}
