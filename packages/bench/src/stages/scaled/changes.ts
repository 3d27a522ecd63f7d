import { measureChanges } from '../../scenarios/changes.js';
import type { ScaledEnv } from '../scaled.js';
import type { Scenario } from '../stage.js';

/** Rich content, edits and reactions at the ramp's rates, on the fan-out rooms (issue 12). */
export const changesScenario: Scenario<ScaledEnv> = {
  name: 'changes',
  wanted: ({ options }) => options.scenarios.has('changes'),
  run: async (env) => {
    const { options } = env;
    const ours = {
      name: 'ours',
      generator: env.chat,
      servers: env.gatewayPids,
      others: env.infraPids,
    };
    env.results.changes = await measureChanges(
      ours,
      // Half-length steps: two pairs of ramps, and the run stays within its time budget.
      { ...env.ramp, stepMs: Math.max(2000, env.ramp.stepMs / 2), rooms: options.rooms },
      env.log,
    );
  },
};
