import { LoadGenerator } from '../../generator/handle.js';
import { startRelay } from '../../infra/servers.js';
import { runRamps, type RampSystem } from '../../scenarios/ramp.js';
import type { ScaledEnv } from '../scaled.js';
import type { Scenario } from '../stage.js';

/** The fan-out ramp of our two replicas, interleaved with two bare relays on the same Redis. */
async function run(env: ScaledEnv): Promise<void> {
  const { cleanup, options, log } = env;
  const relays: Awaited<ReturnType<typeof startRelay>>[] = [];
  cleanup.defer('relays', async () => {
    for (const r of relays) await r.proc.stop();
  });
  for (let i = 0; i < 2; i++) relays.push(await startRelay(env.cluster.redisUrl));
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
      generator: env.chat,
      servers: env.gatewayPids,
      others: env.infraPids,
    },
    {
      name: 'baseline relay, 2 procs',
      generator: relayGen,
      servers: () => Object.fromEntries(relays.map((r, i) => [`relay ${i + 1}`, r.proc.pid])),
      others: () => ({ redis: env.redisPid }),
    },
  ];
  log('fan-out ramp, ours and the baseline interleaved');
  const [ours, baseline] = await runRamps(systems, env.ramp, log);
  if (ours) env.results.fanout = { ours, ...(baseline && { baseline }), setup: env.setup };
  await cleanup.run('relay generator');
  await cleanup.run('relays');
}

export const fanoutScenario: Scenario<ScaledEnv> = {
  name: 'fanout',
  wanted: ({ options }) => options.scenarios.has('fanout'),
  run,
};
