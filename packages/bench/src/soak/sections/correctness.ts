import { num, table } from '../format.js';
import type { SoakSection } from './section.js';

/** Every message delivered once and stored once; every churn session completed. */
export const correctnessSection: SoakSection = ({ results, summary }) => {
  const c = results.churn;
  const s = results.storage;
  const b = summary.base;
  const out: string[] = [];
  out.push('### Correctness', '');
  const rows: string[][] = [
    [
      'Base-load messages sent / acked / refused',
      `${num(b.sent)} / ${num(b.acked)} / ${num(b.ackErrors)}`,
    ],
    [
      'Deliveries expected (sent × members) / delivered',
      `${num(b.expected)} / ${num(b.delivered)}`,
    ],
    [
      'Lost / duplicate / out-of-order / misrouted deliveries',
      `${num(b.lost)} / ${num(b.duplicates)} / ${num(b.outOfOrder)} / ${num(b.misrouted)}`,
    ],
    ['Long-lived sockets dropped by the server', num(b.disconnects)],
    [
      'Delivery latency p50 / p99 (median over steps), worst step p99',
      `${num(b.p50Median, 1)} / ${num(b.p99Median, 1)} ms, ${num(b.p99Worst, 0)} ms`,
    ],
  ];
  if (s) {
    rows.push(
      [
        'Acked base-load messages stored (DynamoDB, read back through the store adapter)',
        `${num(s.stored)} of ${num(s.acked)} (${num(s.missing)} missing, ${num(s.storedTwice)} stored twice)`,
      ],
      [
        'Churn messages in the long-lived rooms: acked / stored',
        `${num(s.churnAcked)} / ${num(s.churnStored)} (${num(s.churnStoredTwice)} stored twice)`,
      ],
      ['Sink caught up after the load in', `${num(s.sinkDrainMs / 1000, 1)} s`],
    );
  }
  if (c) {
    const errors = Object.entries(c.errors)
      .map(([k, n]) => `${k} × ${n}`)
      .join(', ');
    rows.push(
      [
        'Churn sessions completed / failed / not started (no free pool user)',
        `${num(c.completed)} / ${num(c.failed)} / ${num(c.skipped)}`,
      ],
      ['Churn failures by action', errors || 'none'],
      ['Churn connect p50 / p99', `${num(c.connectMs.p50, 1)} / ${num(c.connectMs.p99, 1)} ms`],
    );
  }
  out.push(table(['What', 'Count'], rows), '');
  return out;
};
