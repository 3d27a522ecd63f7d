import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoMessageStore } from '@chat/adapters';
import type { Message } from '@chat/contracts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NO_RATE_LIMITS } from '@chat/test-support';
import { freePort, startCluster, type Cluster } from '../../src/index.js';

export interface ClusterFixture {
  cluster: Cluster;
  /** Base URL of each gateway replica, in start order. */
  replicas: string[];
  ports: number[];
  /** Every stored message of a room, read straight from the message store. */
  stored(roomId: string): Promise<Message[]>;
  destroy(): Promise<void>;
}

/** Two gateway replicas, a sink worker, redis-server, dynalite and nginx, on free ports. */
export async function startClusterFixture(
  env: Record<string, string> = {},
): Promise<ClusterFixture> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chat-cluster-'));
  const ports = [await freePort(), await freePort()];
  const cluster = await startCluster({
    port: await freePort(),
    gatewayPorts: ports,
    dataDir,
    webDist: path.join(dataDir, 'no-web-build'),
    env: { ...NO_RATE_LIMITS, ...env },
  });
  const dynamo = new DynamoDBClient({
    region: 'local',
    endpoint: cluster.dynamoEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const store = new DynamoMessageStore(dynamo);
  return {
    cluster,
    ports,
    replicas: ports.map((p) => `http://127.0.0.1:${p}`),
    async stored(roomId) {
      const all: Message[] = [];
      let after = 0;
      for (;;) {
        const page = await store.page(roomId, { after, limit: 100 });
        all.push(...page);
        if (page.length < 100) return all;
        after = page.at(-1)?.seq ?? after;
      }
    },
    async destroy() {
      dynamo.destroy();
      await cluster.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
