import type { BenchResults } from '../../run.js';
import { costTable, rampTable, ratioTable } from '../ramp-tables.js';

/** Section 6: the single-process server's ramp, beside a one-process relay. */
export function embeddedSection(results: BenchResults): string[] {
  const out: string[] = [];
  out.push('## 6. Embedded mode fan-out ramp', '');
  const e = results.embedded;
  if (e) {
    out.push(
      'The single-process server (`node --import tsx apps/gateway/src/main.ts` without `REDIS_URL`: SQLite ' +
        'log with `synchronous=FULL`, in-memory adapter, sinks in-process), all members on it, the same ' +
        'ramp. Beside it, a one-process relay with the in-memory adapter.',
      '',
      rampTable(e.ours),
      '',
    );
    if (e.baseline) {
      out.push('**One-process relay**', '', rampTable(e.baseline), '', ratioTable(e), '');
    }
    out.push('**CPU per message**', '', costTable([e.ours, e.baseline]), '');
  } else out.push('_Not run._', '');
  return out;
}
