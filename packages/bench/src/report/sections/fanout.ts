import type { BenchResults } from '../../run.js';
import { num } from '../format.js';
import { costTable, rampTable, ratioTable } from '../ramp-tables.js';
import type { SectionContext } from './section.js';

/** Section 1–2: the scaled fan-out ramp, ours against the bare relay. */
export function fanoutSection(results: BenchResults, { plotName }: SectionContext): string[] {
  const m = results.meta;
  const out: string[] = [];
  out.push('## 1–2. Fan-out ramp, two replicas on one Redis, against a bare Socket.IO relay', '');
  const f = results.fanout;
  if (f) {
    out.push(
      `${m.rooms} rooms × ${m.members} members. Members of a room alternate between the two gateway ` +
        'replicas (connected straight to the replica ports), so every message crosses replicas. The ' +
        'generator sends round-robin over rooms and members at the offered rate, for ' +
        `${num(m.stepMs / 1000)} s per step; every member (the sender included) receives each message, ` +
        `so deliveries/s ≈ ${m.members} × the offered rate. Latency: the send timestamp written into the ` +
        'content to the receipt at each member, in the generator (one clock). **Persistence is on**: the ' +
        'sink worker writes every message to DynamoDB (dynalite) and the search index during the ramp. ' +
        'Rate limits are disabled (`RATE_LIMIT_*=0`). Steps of the two systems are interleaved (ours, then ' +
        'the baseline at the same rate) so background noise hits both alike; a system stops after its ' +
        'first step that is not sustained.',
      '',
      `The baseline (\`packages/bench/src/relay/main.ts\`) is two Socket.IO 4.8.3 processes on the same ` +
        'Redis through `@socket.io/redis-adapter` 8.3.0 + ioredis 6: a socket joins its room at connect, ' +
        '`send_message` is stamped (id, seq, time), emitted to the room and acked — no validation, no ' +
        'authorisation, no log, no persistence.',
      '',
      `![Latency and throughput vs offered load](${plotName})`,
      '',
      '**Ours (two gateway replicas, Redis Streams log, sink on)**',
      '',
      rampTable(f.ours),
      '',
    );
    if (f.baseline) {
      out.push('**Baseline relay (two processes, Redis adapter)**', '', rampTable(f.baseline), '');
      out.push('**Ours as a ratio to the baseline, per step**', '', ratioTable(f), '');
    }
    out.push(
      '**What a message costs.** CPU per message sent (its 10 deliveries included), from the CPU ' +
        'of each process over the highest sustained step. With every process on the same 2 cores, ' +
        '2,000 CPU-ms per second divided by the total bounds the rate the machine can carry.',
      '',
      costTable([f.ours, f.baseline]),
      '',
    );
    out.push(
      `Sign-in of ${num(m.rooms * m.members + 1)} guests ran at ${num(f.setup.sessionsPerSec)} sessions/s; ` +
        `set-up (sessions, connections, rooms, warm-up) took ${num(f.setup.setupMs / 1000, 1)} s.`,
      '',
    );
  } else out.push('_Not run._', '');
  return out;
}
