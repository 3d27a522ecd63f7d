import type { BenchResults } from '../../run.js';
import { num, pct } from '../format.js';

/** The machine, the command, and what else ran on the machine during the run. */
export function machineSection(results: BenchResults): string[] {
  const m = results.meta;
  const mc = m.machine;
  const out: string[] = [];
  out.push('## Machine and command', '');
  out.push(
    `- **Machine:** ${mc.cpuModel}, ${mc.cores} cores, ${num(mc.memoryGiB, 1)} GiB RAM, Linux ${mc.kernel}; ` +
      `Node ${mc.node}; ${mc.redis}; ${mc.nginx}.`,
    `- **Command:** \`pnpm bench\` at the repository root (= \`pnpm --filter @chat/bench bench\` = ` +
      `\`${m.command}\` in \`packages/bench\`). Quick check: \`pnpm --filter @chat/bench test\` ` +
      '(`--quick --check`, writes to a temp dir).',
    `- **Everything on loopback, on the same ${mc.cores} cores:** the load generator (its own Node ` +
      'process, socket.io-client 4.8.4), the gateways or relays, redis-server, dynalite, the sink worker.',
    `- **Other load on the machine:** load average ${m.loadavgStart.map((v) => v.toFixed(2)).join(' / ')} ` +
      `at the start, ${m.loadavgEnd.map((v) => v.toFixed(2)).join(' / ')} at the end (1 / 5 / 15 min). ` +
      `Processes outside this benchmark used ${num(m.foreign.foreignCpuSeconds)} CPU-seconds ` +
      `(${pct(m.foreign.foreignPct)} of the machine over the run; the machine was ${pct(m.foreign.machineBusyPct)} busy overall)` +
      (m.foreign.top.length
        ? `; the busiest: ${m.foreign.top.map((t) => `\`${t.cmd.replaceAll('`', "'")}\` ${num(t.cpuSeconds)} s`).join(', ')}.`
        : '.'),
    '',
  );

  return out;
}
