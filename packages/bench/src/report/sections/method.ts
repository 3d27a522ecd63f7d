import type { BenchResults } from '../../run.js';
import { num } from '../format.js';

/** How a step is judged and what the numbers mean. */
export function methodSection(results: BenchResults): string[] {
  const m = results.meta;
  const out: string[] = [];
  out.push(
    '## Method',
    '',
    '- **Sustained step:** nothing lost, duplicated or refused, every send acked, no socket dropped, ' +
      'p99 < 1 s, and a steady state: the median latency of the messages sent in the last quarter of ' +
      'the step is at most 2× (+20 ms) that of the first quarter (a growing queue is saturation even ' +
      'while everything still arrives). **Delivered/s:** deliveries of the step’s messages divided by ' +
      'the time from its first send to its last delivery. **Lost:** deliveries still missing when the ' +
      `drain (≤ ${num(m.drainMs / 1000)} s after the last send) ended; "late" ones arrived afterwards ` +
      '(counted once the servers went quiet). **Dup:** a member received the same message twice.',
    '- **Generator CPU** is the load process’s own CPU over the step (100 % = one core); at 100 % the ' +
      'generator, not the server, is the limit. Server CPU comes from `/proc/<pid>/stat` over the same window.',
    '- Send pacing is open-loop (a 1 ms timer catches up on its schedule); latencies are measured from the ' +
      'timestamp taken right before each `emit`.',
    '- Numbers on a shared 2-core VM are noisy: take differences under ~10 % as noise.',
    '',
  );
  return out;
}
