import path from 'node:path';
import { startReplica } from '../../infra/servers.js';
import { profileArgs, profileRate, profileStep } from '../../scenarios/profile.js';
import type { ScaledEnv } from '../scaled.js';
import type { Scenario } from '../stage.js';

/** Both gateways restarted under `--cpu-prof`, one step at the rate the ramp saturated. */
async function run(env: ScaledEnv): Promise<void> {
  const { cluster, dataDir, options, log } = env;
  const rate = profileRate(env.results.fanout?.ours, options.rates);
  log(`profile: both gateways under --cpu-prof at ${rate} msg/s`);
  for (const gateway of cluster.gateways.values()) await gateway.stop();
  const dir = path.join(dataDir, 'cpu-profiles-scaled');
  env.results.profile = await profileStep({
    generator: env.chat,
    dir,
    rate,
    durationMs: options.profileMs,
    members: options.members,
    command: 'node --cpu-prof --cpu-prof-dir=<dir> --import tsx apps/gateway/src/main.ts',
    starts: [0, 1].map(
      () => () => startReplica(cluster.env, path.join(dataDir, 'cluster'), {}, profileArgs(dir)),
    ),
  });
}

export const profileScenario: Scenario<ScaledEnv> = {
  name: 'profile',
  wanted: ({ options }) => options.scenarios.has('profile'),
  run,
};
