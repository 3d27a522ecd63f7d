import { measureHistory } from '../../scenarios/history.js';
import type { ScaledEnv } from '../scaled.js';
import type { Scenario } from '../stage.js';

/** History and search latency over messages seeded into the cluster's store and index. */
export const historyScenario: Scenario<ScaledEnv> = {
  name: 'history',
  wanted: ({ options }) => options.scenarios.has('history'),
  run: async (env) => {
    env.results.history = await measureHistory(
      {
        dynamo: env.dynamo,
        gatewayUrl: env.gatewayUrls[0] ?? '',
        roomIds: env.setup.roomIds,
        probeToken: env.setup.probeToken,
        searchIndexPath: env.cluster.env['SEARCH_SQLITE_PATH'] ?? '',
        log: env.log,
      },
      env.options.history.targetMessages,
      env.options.history.samples,
    );
  },
};
