import type { BenchResults } from '../../run.js';
import type { ProfileResult } from '../../scenarios/profile.js';
import { ms, num, pct, table } from '../format.js';

/** One profiled step: what ran, where the time went, the top functions. */
function profile(p: ProfileResult | undefined, what: string): string {
  if (!p) return '_Not run._';
  const s = p.summary;
  const cpu = Object.entries(p.step.processCpu)
    .map(([k, v]) => `${k} ${pct(v)}`)
    .join(', ');
  return [
    `${what} restarted as \`${p.command}\`, the same users reconnected, ` +
      `then ${num(p.rate)} msg/s for ${num(p.durationMs / 1000)} s (delivered ${num(p.step.deliveredPerSec)}/s, ` +
      `p99 ${ms(p.step.latency.p99)} ms, CPU over the step: ${cpu}). Only samples taken while the ` +
      `generator was sending are counted: ${num(s.samples)} samples, ` +
      `main thread idle in ${pct(s.idlePct)} of them. Percentages below are of the non-idle samples (self time).`,
    '',
    '**Where the time goes** — share of the non-idle samples with a frame of the group anywhere on ' +
      'the (synchronous) stack; a sample counts once per group, so the rows overlap (workspace ' +
      'code calls the libraries) and do not add up to 100 %. Work that continues in a callback of ' +
      'a socket (e.g. the Node `http` parsing of a DynamoDB answer) is counted where its stack shows it.',
    '',
    table(
      ['group', 'inclusive'],
      s.inclusiveGroups.map((g) => [g.group, `${num(g.pct, 1)} %`]),
    ),
    '',
    '**Self time by package / workspace folder**',
    '',
    table(
      ['area', 'self time'],
      s.areas.slice(0, 14).map((a) => [a.area, `${num(a.selfPct, 1)} %`]),
    ),
    '',
    '**Workspace functions by inclusive time**',
    '',
    table(
      ['function', 'where', 'inclusive'],
      s.inclusiveWorkspace
        .slice(0, 15)
        .map((e) => [
          `\`${e.name.replaceAll('|', '\\|')}\``,
          `\`${e.where}\``,
          `${num(e.pct, 1)} %`,
        ]),
    ),
    '',
    '**Top functions by self time**',
    '',
    table(
      ['function', 'where', 'area', 'self time'],
      s.top.map((e) => [
        `\`${e.name.replaceAll('|', '\\|')}\``,
        e.where ? `\`${e.where}\`` : '',
        e.area,
        `${num(e.selfPct, 1)} %`,
      ]),
    ),
  ].join('\n');
}

/** The CPU profiles at saturation: the scaled gateways, then the embedded server. */
export function profilesSection(results: BenchResults): string[] {
  return [
    '## CPU profiles at saturation',
    '',
    '### Gateways (scaled mode)',
    '',
    profile(results.profile, 'Both gateway replicas were'),
    '',
    '### Embedded server',
    '',
    profile(results.embeddedProfile, 'The embedded server was'),
    '',
  ];
}
