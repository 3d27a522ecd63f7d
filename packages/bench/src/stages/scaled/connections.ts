import path from 'node:path';
import { measureConnections } from '../../scenarios/connections.js';
import type { ScaledEnv } from '../scaled.js';
import type { Scenario } from '../stage.js';

/** Memory per idle connection and the connection set-up rate, on a fresh replica. */
export const connectionsScenario: Scenario<ScaledEnv> = {
  name: 'connections',
  wanted: ({ options }) => options.scenarios.has('connections'),
  run: async ({ cluster, dataDir, options, runTag, log, results }) => {
    results.connections = await measureConnections(
      cluster,
      path.join(dataDir, 'cluster'),
      options.connections,
      options.connectConcurrency,
      runTag,
      log,
      options.mode === 'quick' ? { pauseMs: 500, samples: 2 } : { pauseMs: 8000, samples: 8 },
    );
  },
};
