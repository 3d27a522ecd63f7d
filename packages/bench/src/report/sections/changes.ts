import type { BenchResults } from '../../run.js';
import type { ChangesResult } from '../../scenarios/changes.js';
import { bestSustained, type RampResult, type RampStep } from '../../scenarios/ramp.js';
import { costTable, rampTable } from '../ramp-tables.js';

/** Gateway CPU ms per operation over a step (both replicas). */
const gatewayMsPerOp = (step: RampStep): number =>
  Object.entries(step.processCpu)
    .filter(([proc]) => proc.startsWith('gateway'))
    .reduce((sum, [, pct]) => sum + ((pct / 100) * step.wallMs) / step.sent, 0);

/** Differences under this share are the machine's noise (see Method). */
const NOISE = 0.1;

/**
 * Issue 12's target: the send path is no slower with markdown and a mention in the content.
 * Met when rich content sustains at least the plain rate, and at the highest rate both sustain
 * its gateways spend at most 10 % more CPU per message.
 */
function richContentVerdict(result: ChangesResult): string {
  const [plain, rich] = result.content;
  const top = (r: RampResult | undefined) => (r ? bestSustained(r) : undefined);
  const [p, r] = [top(plain), top(rich)];
  if (!plain || !rich || !p || !r) return '_No sustained step to compare._';
  const common = Math.min(p.rate, r.rate);
  const at = (res: RampResult) => res.steps.find((s) => s.rate === common);
  const [pc, rc] = [at(plain), at(rich)];
  if (!pc || !rc) return '_No common step to compare._';
  const ratio = gatewayMsPerOp(rc) / gatewayMsPerOp(pc);
  const met = r.rate >= p.rate && ratio <= 1 + NOISE;
  const detail =
    `highest sustained rate: plain ${p.rate}, markdown + mention ${r.rate} msg/s; at ${common} msg/s ` +
    `the gateways spend ${gatewayMsPerOp(rc).toFixed(3)} against ${gatewayMsPerOp(pc).toFixed(3)} ms ` +
    `CPU per message (×${ratio.toFixed(2)}), p99 ${rc.latency.p99.toFixed(1)} against ` +
    `${pc.latency.p99.toFixed(1)} ms`;
  return `${met ? '**Met**' : '**Not met**'} (no slower within ${NOISE * 100} % noise): ${detail}.`;
}

/** Section 8: new messages with rich content, edits and reactions, at the ramp's rates. */
export function changesSection(results: BenchResults): string[] {
  const out = ["## 8. A message's life: rich content, edits and reactions", ''];
  const ch = results.changes;
  if (!ch) return [...out, '_Not run._', ''];
  out.push(
    'The scaled cluster and members of section 1, steps of half the length. Each member first ' +
      'sends one message. **Content:** new messages with plain text against the same with ' +
      'markdown (bold, italic and inline code) and an `@mention` of another member, which the ' +
      'server resolves into `mentions`; the two alternate rate by rate. **Changes:** edits of ' +
      "each member's own newest message against reactions toggled on the room's newest " +
      'message, alternating the same way; each change takes a seq and reaches every member as ' +
      "`message_changed`, where its latency is measured like a new message's.",
    '',
    richContentVerdict(ch),
    '',
  );
  for (const r of [...ch.content, ...ch.changes]) out.push(`**${r.name}**`, '', rampTable(r), '');
  out.push('**CPU per operation**', '', costTable([...ch.content, ...ch.changes]), '');
  return out;
}
