import path from 'node:path';
import { measureBacklog } from '../../scenarios/persistence/backlog.js';
import type { PersistenceContext, PersistenceResult } from '../../scenarios/persistence/context.js';
import { measureIndexAdapters } from '../../scenarios/persistence/index-adapters.js';
import { measureLag } from '../../scenarios/persistence/lag.js';
import { measureRawWrites } from '../../scenarios/persistence/raw-writes.js';
import { waitSinkDrained } from '../../scenarios/persistence/sink-metrics.js';
import { bestSustained } from '../../scenarios/ramp.js';
import type { ScaledEnv } from '../scaled.js';
import type { Scenario } from '../stage.js';

/** "Normal load" and the backlog's rate: well below what ours sustained in the ramp (if it ran). */
function rates(env: ScaledEnv): { rate: number; backlogRate: number } {
  const p = env.options.persistence;
  const ours = env.results.fanout?.ours;
  const sustained = ours
    ? (bestSustained(ours)?.rate ?? (env.options.rates[0] ?? 100) / 2)
    : undefined;
  return {
    rate: Math.min(p.rate, sustained === undefined ? p.rate : sustained / 2),
    backlogRate: Math.min(p.backlogRate, sustained ?? p.backlogRate),
  };
}

/** Ack → stored / searchable lag, the sink draining a backlog, raw writes, index adapters. */
async function run(env: ScaledEnv): Promise<void> {
  const { cluster, dataDir, log } = env;
  const p = env.options.persistence;
  const context: PersistenceContext = {
    cluster,
    dynamo: env.dynamo,
    generator: env.chat,
    gatewayUrl: env.gatewayUrls[0] ?? '',
    roomIds: env.setup.roomIds,
    probeToken: env.setup.probeToken,
    dataDir,
    log,
  };
  const persistence: Partial<PersistenceResult> = {};
  env.results.persistence = persistence;
  const { rate, backlogRate } = rates(env);
  log('persistence: waiting for the sink to catch up with the ramp');
  await waitSinkDrained(cluster, 300_000);
  log(`persistence: ack → stored / searchable at ${rate} msg/s`);
  persistence.lag = await measureLag(context, rate, p.durationMs, p.trackRooms);
  log(
    `persistence: stored p50 ${persistence.lag.stored.p50.toFixed(0)} p99 ${persistence.lag.stored.p99.toFixed(0)} ms, ` +
      `searchable p50 ${persistence.lag.searchable.p50.toFixed(0)} p99 ${persistence.lag.searchable.p99.toFixed(0)} ms`,
  );
  log('persistence: sink backlog drain');
  const { result, messages } = await measureBacklog(
    context,
    backlogRate,
    Math.min(p.backlogMaxMs, Math.ceil((p.backlogMessages / backlogRate) * 1000)),
  );
  persistence.backlog = result;
  log(`persistence: raw BatchWriteItem loop over the same ${messages.length} messages`);
  persistence.raw = await measureRawWrites(context, messages);
  persistence.index = await measureIndexAdapters(messages, path.join(dataDir, 'index-bench'));
}

export const persistenceScenario: Scenario<ScaledEnv> = {
  name: 'persistence',
  wanted: ({ options }) => options.scenarios.has('persistence'),
  run,
};
