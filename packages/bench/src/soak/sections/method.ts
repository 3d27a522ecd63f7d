import { minutes, num } from '../format.js';
import type { SoakSection } from './section.js';

/** How the soak samples and judges, the machine, and the run. */
export const methodSection: SoakSection = ({ results, summary }) => {
  const m = results.meta;
  const o = results.meta.options;
  const out: string[] = [];
  out.push('### Method', '');
  out.push(
    `- Every ${o.sampleMs / 1000} s the harness forces a full garbage collection in each process through ` +
      'the V8 inspector (the processes run with `NODE_OPTIONS=--inspect=127.0.0.1:0`; the harness sends ' +
      '`HeapProfiler.collectGarbage`, then reads `process.memoryUsage()` and ' +
      '`process.getActiveResourcesInfo()`): no code of the gateway or sink changes. RSS is `VmRSS` of ' +
      '`/proc/<pid>/status`, read right after the GC; the connection count is `chat_socket_connections` of `/metrics`. ' +
      'The forced GCs are part of what the processes went through (they show in the worst delivery latencies).',
    `- The value at the end of the warm-up is the median of the samples in its last ${summary.windowS} s; ` +
      `the value at the end, the median of the last ${summary.windowS} s of load. The verdict: heap after GC ` +
      `of each gateway grew less than ${o.maxGrowthPct} %. The trend is the least-squares slope of all samples after the warm-up.`,
    '- Heap used without a GC rises and falls with the garbage between collections; after a forced GC ' +
      'only what is still referenced is left, so a leak (listeners, rooms, timers, sockets kept per ' +
      'session) shows as a rising floor — and as the retained bytes per churn session above.',
    `- Correctness: every base-load message carries its step and index; the generator counts each ` +
      `long-lived member's receipt (late ones included). After the load the sink is let catch up and ` +
      `every long-lived room is read back from DynamoDB through \`DynamoMessageStore\`.`,
  );
  const mc = m.machine;
  out.push(
    `- **Machine:** ${mc.cpuModel}, ${mc.cores} cores, ${num(mc.memoryGiB, 1)} GiB RAM, Linux ${mc.kernel}; ` +
      `Node ${mc.node}; ${mc.redis}; ${mc.nginx}.`,
    `- **Other load on the machine:** load average ${m.loadavgStart.map((v) => v.toFixed(2)).join(' / ')} ` +
      `at the start, ${m.loadavgEnd.map((v) => v.toFixed(2)).join(' / ')} at the end; processes outside ` +
      `the soak used ${num(m.foreign.foreignPct, 0)} % of the machine over the run.`,
    `- **Run:** ${minutes(m.durationS)} in all (setup, load, storage check, stop).`,
    '',
  );
  return out;
};
