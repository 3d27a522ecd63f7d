import { minutes, signed } from '../format.js';
import type { SoakSection } from './section.js';

/** The title, when and how it was measured, the plot and the verdict. */
export const headingSection: SoakSection = ({ results, summary, plotLink }) => {
  const m = results.meta;
  const o = results.meta.options;
  const gateways = summary.processes.filter((p) => p.kind === 'gateway');
  const out: string[] = [];
  out.push(`## Soak: ${minutes(summary.loadS)} of steady load with connection churn`, '');
  out.push(
    `Measured ${m.startedAt.slice(0, 10)} with \`${m.command}\` ` +
      `(\`packages/bench/src/soak/\`)${m.mode === 'quick' ? ' — a **quick** harness check, not a soak' : ''}.`,
    '',
  );
  out.push(
    `![Heap after a forced GC and RSS of each gateway replica and the sink over the soak](${plotLink})`,
    '',
  );
  const growthList = gateways.map((g) => `${signed(g.heapGrowthPct)} % (${g.name})`).join(' and ');
  if (summary.pass === undefined) {
    out.push(
      `**Verdict: not judged** (${m.mode === 'quick' ? 'quick run' : 'missing samples'}); ` +
        `heap after GC changed ${growthList} from the end of the warm-up to the end.`,
      '',
    );
  } else {
    out.push(
      `**Verdict: ${summary.pass ? 'no growth' : 'growth'}.** Heap used after a forced GC changed ` +
        `${growthList} from the end of the ${minutes(summary.warmupS)} warm-up to the end of the ` +
        `load: ${summary.pass ? 'under' : '**over**'} the ${o.maxGrowthPct} % limit.`,
      '',
    );
  }
  return out;
};
