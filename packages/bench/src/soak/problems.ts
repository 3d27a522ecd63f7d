import { GATEWAY_BUDGETS } from '@chat/test-support';
import { signed } from './format.js';
import type { SoakResults } from './results.js';
import type { SoakSummary } from './summary.js';

/**
 * What `--check` requires: the run finished; every process was sampled; nothing lost,
 * duplicated, refused or left unstored; every churn session succeeded; every gateway stayed
 * within its heap and event-loop budgets. In a full run, also the heap growth verdict.
 */
export function soakProblems(results: SoakResults, summary: SoakSummary): string[] {
  const problems = results.errors.map((e) => `${e.what} failed: ${e.message.split('\n')[0]}`);
  const b = summary.base;
  if (b.steps === 0 || b.delivered === 0) problems.push('base load: nothing delivered');
  if (b.lost > 0) problems.push(`base load: ${b.lost} deliveries lost`);
  if (b.duplicates > 0) problems.push(`base load: ${b.duplicates} duplicate deliveries`);
  if (b.ackErrors > 0 || b.acked < b.sent)
    problems.push(`base load: ${b.acked}/${b.sent} acked, ${b.ackErrors} refused`);
  if (b.misrouted > 0) problems.push(`base load: ${b.misrouted} misrouted deliveries`);
  if (b.outOfOrder > 0) problems.push(`base load: ${b.outOfOrder} out-of-order deliveries`);
  if (b.disconnects > 0) problems.push(`base load: ${b.disconnects} long-lived sockets dropped`);
  const c = results.churn;
  if (!c || c.completed === 0) problems.push('churn: no session completed');
  else {
    if (c.failed > 0) problems.push(`churn: ${c.failed} of ${c.sessions} sessions failed`);
    if (c.roomsCreated !== c.roomsDeleted)
      problems.push(`churn: ${c.roomsCreated} rooms created, ${c.roomsDeleted} deleted`);
  }
  const s = results.storage;
  if (!s) problems.push('storage: not checked');
  else {
    if (s.missing > 0) problems.push(`storage: ${s.missing} of ${s.acked} acked messages missing`);
    if (s.storedTwice > 0) problems.push(`storage: ${s.storedTwice} messages stored twice`);
    if (s.churnStored < s.churnAcked)
      problems.push(`storage: ${s.churnAcked - s.churnStored} acked churn messages missing`);
    if (s.churnStoredTwice > 0)
      problems.push(`storage: ${s.churnStoredTwice} churn messages stored twice`);
  }
  // After the load only the long-lived members are connected, as before it.
  const idleConnections = (which: 'idleBefore' | 'idleAfter') =>
    results.processes
      .filter((p) => p.kind === 'gateway')
      .reduce((a, p) => a + (p[which]?.connections ?? NaN), 0);
  const before = idleConnections('idleBefore');
  const after = idleConnections('idleAfter');
  if (!Number.isFinite(before) || !Number.isFinite(after))
    problems.push('idle samples before or after the load missing');
  else if (after !== before)
    problems.push(
      `${before} connections before the load, ${after} after it (${after < before ? 'long-lived sockets dropped' : 'sockets left open'})`,
    );
  for (const p of results.processes.filter((q) => q.kind === 'gateway')) {
    const heap = Math.max(0, ...p.samples.map((s) => s.heapUsedNoGc ?? 0));
    const lag = Math.max(0, ...p.samples.map((s) => s.eventLoopLagP99Ms ?? 0));
    if (heap >= GATEWAY_BUDGETS.heapBytes)
      problems.push(`${p.name}: heap reached ${(heap / 1024 ** 2).toFixed(0)} MiB (budget 1 GiB)`);
    if (lag >= GATEWAY_BUDGETS.eventLoopLagMs)
      problems.push(`${p.name}: event-loop lag p99 reached ${lag.toFixed(0)} ms (budget 1 s)`);
  }
  for (const p of summary.processes) {
    if (p.samples < 3) problems.push(`${p.name}: only ${p.samples} samples`);
    if (p.kind === 'gateway' && p.heapGrowthPct === undefined)
      problems.push(`${p.name}: no heap after GC at warm-up end and at the end`);
  }
  if (summary.pass === false) {
    problems.push(
      `heap after GC grew ${summary.processes
        .filter((p) => p.kind === 'gateway')
        .map((p) => `${signed(p.heapGrowthPct)} %`)
        .join(' / ')} (limit ${results.meta.options.maxGrowthPct} %)`,
    );
  }
  return problems;
}
