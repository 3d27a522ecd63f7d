import type { ProcessSeries } from '../results.js';
import { FIELDS, type Field } from '../summary.js';
import { mib, num, signed, table } from '../format.js';
import type { SoakSection } from './section.js';

/** Idle before and after the load: what churn left behind. */
export const idleSection: SoakSection = ({ results }) => {
  const out: string[] = [];
  const idle = results.processes.filter((p) => p.idleBefore && p.idleAfter);
  if (idle.length > 0) {
    out.push('### Idle before and after the load', '');
    out.push(
      'Only the long-lived members connected: a sample before the load started and one after ' +
        'it stopped, every churn client gone and the sink caught up. What churn left behind ' +
        '(timers, sockets, listeners, rooms) would stay here.',
      '',
    );
    const both = (f: Field, fmt: (v: number | undefined) => string) => (p: ProcessSeries) =>
      `${fmt(p.idleBefore && f(p.idleBefore))} → ${fmt(p.idleAfter && f(p.idleAfter))}`;
    const changed = (p: ProcessSeries) => {
      const a = p.idleBefore?.resources ?? {};
      const b = p.idleAfter?.resources ?? {};
      const kinds = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      const diffs = kinds
        .map((k) => [k, (b[k] ?? 0) - (a[k] ?? 0)] as const)
        .filter(([, d]) => d !== 0)
        .map(([k, d]) => `${k} ${signed(d, 0)}`);
      return diffs.join(', ') || 'none';
    };
    const count = (v: number | undefined) => num(v, 0);
    const idleRow = (label: string, cell: (p: ProcessSeries) => string) => [
      label,
      ...idle.map(cell),
    ];
    out.push(
      table(
        ['', ...idle.map((p) => p.name)],
        [
          idleRow('Heap after GC, MiB', both(FIELDS.heap, mib)),
          idleRow('RSS, MiB', both(FIELDS.rss, mib)),
          idleRow('Open Socket.IO connections', (p) =>
            p.kind === 'gateway' ? both(FIELDS.connections, count)(p) : '–',
          ),
          idleRow('Active timers (`Timeout`)', both(FIELDS.timers, count)),
          idleRow('Active handles and requests (all kinds)', both(FIELDS.handles, count)),
          idleRow('Kinds whose count changed', changed),
        ],
      ),
      '',
    );
  }
  return out;
};
