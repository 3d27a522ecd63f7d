import path from 'node:path';
import { LoadGenerator } from '../generator/handle.js';
import type { SetupResult } from '../generator/protocol.js';
import { startEmbedded, startRelay } from '../infra/servers.js';
import {
  profileArgs,
  profileRate,
  profileStep,
  type ProfiledServer,
} from '../scenarios/profile.js';
import { runRamps, type RampSystem } from '../scenarios/ramp.js';
import { defineStage, type RunContext, type Scenario } from './stage.js';

/** The single-process server and the generator whose users are on it. */
interface EmbeddedEnv extends RunContext {
  embeddedDir: string;
  embedded: Awaited<ReturnType<typeof startEmbedded>>;
  generator: LoadGenerator;
  setup: SetupResult;
}

async function start(ctx: RunContext): Promise<EmbeddedEnv> {
  const { cleanup, dataDir, log, options, runTag } = ctx;
  log('embedded mode: one process, SQLite, in-memory adapter, in-process sinks');
  const embeddedDir = path.join(dataDir, 'embedded');
  const embedded = await startEmbedded(embeddedDir);
  cleanup.defer('embedded server', () => embedded.proc.stop());
  const generator = LoadGenerator.start('embedded');
  cleanup.defer('embedded generator', () => generator.stop());
  const setup = await generator.call('setupChat', {
    targets: [embedded.url],
    rooms: options.rooms,
    members: options.members,
    runTag: `${runTag}e`,
    probeName: `${runTag}eprobe`,
  });
  return { ...ctx, embeddedDir, embedded, generator, setup };
}

/** A one-process relay with the in-memory adapter, to ramp beside the embedded server. */
async function singleRelay(env: EmbeddedEnv): Promise<RampSystem> {
  const { cleanup, options } = env;
  const relay = await startRelay(undefined);
  cleanup.defer('single relay', () => relay.proc.stop());
  const relayGen = LoadGenerator.start('single-relay');
  cleanup.defer('single relay generator', () => relayGen.stop());
  await relayGen.call('setupRelay', {
    targets: [relay.url],
    rooms: options.rooms,
    members: options.members,
  });
  return {
    name: 'baseline relay, 1 proc',
    generator: relayGen,
    servers: () => ({ relay: relay.proc.pid }),
  };
}

const ramp: Scenario<EmbeddedEnv> = {
  name: 'embedded',
  wanted: () => true,
  run: async (env) => {
    const { cleanup, embedded } = env;
    const systems: RampSystem[] = [
      {
        name: 'ours, embedded',
        generator: env.generator,
        servers: () => ({ server: embedded.proc.pid }),
      },
    ];
    if (env.options.embeddedBaseline) systems.push(await singleRelay(env));
    const [ours, baseline] = await runRamps(systems, env.ramp, env.log);
    if (ours) env.results.embedded = { ours, ...(baseline && { baseline }), setup: env.setup };
    await cleanup.run('single relay generator');
    await cleanup.run('single relay');
  },
};

const profile: Scenario<EmbeddedEnv> = {
  name: 'embedded profile',
  wanted: ({ options, results }) => options.scenarios.has('profile') && !!results.embedded,
  run: async (env) => {
    const { options, embeddedDir } = env;
    const rate = profileRate(env.results.embedded?.ours, options.rates);
    env.log(`profile: the embedded server under --cpu-prof at ${rate} msg/s`);
    await env.cleanup.run('embedded server');
    const dir = path.join(env.dataDir, 'cpu-profiles-embedded');
    env.results.embeddedProfile = await profileStep({
      generator: env.generator,
      dir,
      rate,
      durationMs: options.profileMs,
      members: options.members,
      command:
        'node --cpu-prof --cpu-prof-dir=<dir> --import tsx apps/gateway/src/main.ts (embedded)',
      starts: [(): Promise<ProfiledServer> => startEmbedded(embeddedDir, profileArgs(dir))],
    });
  },
};

/** The single-process server (SQLite, in-memory adapter, in-process sinks): its ramp, its profile. */
export const embeddedStage = defineStage<EmbeddedEnv>({
  name: 'embedded',
  wanted: (options) => options.scenarios.has('embedded'),
  start,
  scenarios: [ramp, profile],
});
