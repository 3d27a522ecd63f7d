import type { BenchResults } from '../../run.js';
import { ms, num, table } from '../format.js';

/** Section 4: history and search latency over the seeded rooms. */
export function historySection(results: BenchResults): string[] {
  const out: string[] = [];
  out.push('## 4. History and search latency', '');
  const h = results.history;
  if (h) {
    out.push(
      `**${num(h.storedMessages)} messages** in ${h.rooms} rooms (${num(h.perRoom)} each), seeded ` +
        `${h.seededBy} in ${num(h.seedMs / 1000, 1)} s; the ramp rooms hold another ` +
        `${num(h.otherMessages)}, sent through the real path. A member of all of them asks over its ` +
        'socket, one request at a time, cycling over rooms and words. The seeded rooms have no recent ' +
        'messages in the Redis hot window, so both pages come from DynamoDB (the reader asks the ' +
        'window and the store in parallel for every page). Each search word is in ~3/16 of the ' +
        'messages; searches are newest first.',
      '',
      table(
        ['request', 'payload', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'mean results', 'errors'],
        h.queries.map((q) => [
          q.name,
          `\`${q.request}\``,
          ms(q.latency.p50),
          ms(q.latency.p90),
          ms(q.latency.p99),
          ms(q.latency.max),
          num(q.meanResults, 1),
          num(q.errors),
        ]),
      ),
      '',
    );
  } else out.push('_Not run._', '');
  return out;
}
