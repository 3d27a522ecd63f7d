import type { BenchOptions } from '../options.js';
import type { BenchResults } from '../run.js';

/**
 * What `--check` (the CI run of `--quick`) requires: every selected scenario finished and
 * produced numbers. Speed is not checked.
 */
export function checkResults(results: BenchResults, options: BenchOptions): string[] {
  const problems = results.errors.map((e) => `${e.scenario} failed: ${e.message.split('\n')[0]}`);
  const want = options.scenarios;
  const ramp = (name: string, steps: { delivered: number }[] | undefined) => {
    if (!steps?.length) problems.push(`${name}: no ramp steps`);
    else if (steps.every((s) => s.delivered === 0)) problems.push(`${name}: nothing delivered`);
  };
  if (want.has('fanout')) {
    ramp('fan-out (ours)', results.fanout?.ours.steps);
    ramp('fan-out (baseline)', results.fanout?.baseline?.steps);
  }
  if (want.has('changes')) {
    for (const r of [...(results.changes?.content ?? []), ...(results.changes?.changes ?? [])]) {
      ramp(r.name, r.steps);
      // A change that reached members but was refused or never acked is a harness fault.
      if (r.steps.some((s) => s.ackErrors > 0)) problems.push(`${r.name}: refused operations`);
    }
    if ((results.changes?.changes.length ?? 0) < 2) problems.push('changes: ramps missing');
  }
  if (want.has('persistence')) {
    const p = results.persistence;
    if (!p?.lag?.stored.count || !p.lag.searchable.count)
      problems.push('persistence: no lag samples');
    if (!p?.backlog?.storePerSec) problems.push('persistence: no sink throughput');
    if (!p?.raw?.sequentialPerSec) problems.push('persistence: no raw BatchWriteItem rate');
    if (!p?.index?.sqlitePerSec) problems.push('persistence: no index adapter rate');
  }
  if (want.has('history')) {
    const q = results.history?.queries ?? [];
    if (q.length === 0 || q.some((x) => x.latency.count === 0))
      problems.push('history: queries without answers');
  }
  if (want.has('connections') && (results.connections?.levels.length ?? 0) === 0)
    problems.push('connections: no levels measured');
  if (want.has('profile') && !results.profile?.summary.samples)
    problems.push('profile: no samples in the window');
  if (want.has('profile') && want.has('embedded') && !results.embeddedProfile?.summary.samples)
    problems.push('embedded profile: no samples in the window');
  if (want.has('embedded')) ramp('embedded', results.embedded?.ours.steps);
  if (want.has('uploads')) {
    const rounds = [...(results.uploads?.ours ?? []), ...(results.uploads?.baseline ?? [])];
    if (rounds.length === 0 || rounds.some((r) => r.failures > 0 || !r.mbPerSec))
      problems.push('uploads: a round without throughput, or with failed uploads');
  }
  return problems;
}
