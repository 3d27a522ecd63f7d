import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Cluster } from '@chat/local-cluster';
import type { LoadGenerator } from '../../generator/handle.js';
import type { BacklogResult } from './backlog.js';
import type { IndexMicroResult } from './index-adapters.js';
import type { LagResult } from './lag.js';
import type { RawWriteResult } from './raw-writes.js';

export interface PersistenceResult {
  lag: LagResult;
  backlog: BacklogResult;
  raw: RawWriteResult;
  index: IndexMicroResult;
}

export interface PersistenceContext {
  cluster: Cluster;
  dynamo: DynamoDBClient;
  generator: LoadGenerator;
  gatewayUrl: string;
  roomIds: string[];
  probeToken: string;
  dataDir: string;
  log: (line: string) => void;
}
