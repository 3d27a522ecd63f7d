import { DynamoMessageStore } from '@chat/adapters';
import type { SearchResult } from '@chat/contracts';
import { roomTag } from '../../generator/content.js';
import type { Distribution, TrackedAck } from '../../generator/protocol.js';
import { distribution, epochNow, sleep } from '../../stats.js';
import { nextStepNumber } from '../ramp.js';
import type { PersistenceContext } from './context.js';

export interface LagResult {
  rate: number;
  durationMs: number;
  trackedRooms: number;
  trackedMessages: number;
  stored: Distribution;
  searchable: Distribution;
  /** Tracked messages never seen stored / searchable before the probes gave up. */
  missingStored: number;
  missingSearchable: number;
  /** Mean time between two probes of one room: the resolution of the lags. */
  storedPollMs: number;
  searchPollMs: number;
  probeErrors: number;
}

interface Observation {
  at: number;
  seq: number;
}

const POLL_PAUSE_MS = 40;

/**
 * Two probes per tracked room, each polling until `stop()`: the newest stored seq (DynamoDB,
 * through the store adapter) and the newest searchable one (REST search for the step's tag).
 */
function startProbes(ctx: PersistenceContext, step: number, tracked: readonly string[]) {
  const store = new DynamoMessageStore(ctx.dynamo);
  const stored: Observation[][] = tracked.map(() => []);
  const searchable: Observation[][] = tracked.map(() => []);
  const state = { stop: false, errors: 0 };
  const loop = async (read: () => Promise<number>, into: Observation[]) => {
    while (!state.stop) {
      try {
        const seq = await read();
        into.push({ at: epochNow(), seq });
      } catch {
        state.errors++;
      }
      await sleep(POLL_PAUSE_MS);
    }
  };
  const probes = tracked.flatMap((roomId, r) => [
    loop(async () => (await store.page(roomId, { limit: 1 }))[0]?.seq ?? 0, stored[r] ?? []),
    loop(async () => {
      const q = new URLSearchParams({ q: roomTag(step, r), roomId, limit: '1' });
      const res = await fetch(`${ctx.gatewayUrl}/chat/search?${q.toString()}`, {
        headers: { authorization: `Bearer ${ctx.probeToken}` },
      });
      if (!res.ok) throw new Error(`search ${res.status}`);
      const body = (await res.json()) as SearchResult;
      return body.hits[0]?.message.seq ?? 0;
    }, searchable[r] ?? []),
  ]);
  const stop = async () => {
    state.stop = true;
    await Promise.all(probes);
    return state.errors;
  };
  return { stored, searchable, stop };
}

/** Ack → first probe answer that includes the message, for every tracked ack. */
function lags(acks: readonly TrackedAck[], obs: Observation[][]) {
  const values: number[] = [];
  let missing = 0;
  for (const a of acks) {
    const first = obs[a.room]?.find((o) => o.seq >= a.seq);
    if (first) values.push(Math.max(0, first.at - a.at));
    else missing++;
  }
  return { dist: distribution(values), missing };
}

/** Mean time between two answers of one probe: the resolution of the lags. */
function meanInterval(obs: Observation[][]): number {
  const gaps = obs.flatMap((list) => list.slice(1).map((o, i) => o.at - (list[i]?.at ?? o.at)));
  return gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : 0;
}

/**
 * Ack → stored and ack → searchable at a steady rate: probes poll, for a few rooms, the
 * newest stored message (DynamoDB, through the store adapter) and the newest searchable one
 * (REST search for the step's room tag, newest first); a message counts as stored (searchable)
 * when a probe answer carrying its seq or a later one arrives.
 */
export async function measureLag(
  ctx: PersistenceContext,
  rate: number,
  durationMs: number,
  trackRooms: number,
): Promise<LagResult> {
  const step = nextStepNumber();
  const tracked = ctx.roomIds.slice(0, trackRooms);
  const { stored, searchable, stop } = startProbes(ctx, step, tracked);
  let acks: TrackedAck[];
  let probeErrors: number;
  try {
    const result = await ctx.generator.call('step', {
      step,
      rate,
      durationMs,
      drainMs: 10_000,
      trackRooms: tracked.map((_, i) => i),
    });
    acks = result.acks;
    // Keep probing until every tracked message was seen in both, or 20 s.
    const deadline = performance.now() + 20_000;
    const seen = (obs: Observation[][], a: TrackedAck) => (obs[a.room]?.at(-1)?.seq ?? 0) >= a.seq;
    while (
      performance.now() < deadline &&
      !acks.every((a) => seen(stored, a) && seen(searchable, a))
    ) {
      await sleep(100);
    }
  } finally {
    probeErrors = await stop();
  }
  const s = lags(acks, stored);
  const q = lags(acks, searchable);
  return {
    rate,
    durationMs,
    trackedRooms: tracked.length,
    trackedMessages: acks.length,
    stored: s.dist,
    searchable: q.dist,
    missingStored: s.missing,
    missingSearchable: q.missing,
    storedPollMs: meanInterval(stored),
    searchPollMs: meanInterval(searchable),
    probeErrors,
  };
}
