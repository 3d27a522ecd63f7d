import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from '../options.js';
import type { BenchResults, RampPair } from '../run.js';
import type { ProfileResult } from '../scenarios/profile.js';
import { bestSustained, queueGrew, type RampResult, type RampStep } from '../scenarios/ramp.js';
import { chart, type Series } from './svg.js';
import { renderUploads } from './uploads.js';
import { richContentVerdict } from './changes.js';
import { writeFormatted } from './write-formatted.js';

const ANALYSIS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'analysis.md');

/** Targets of issue 6, acceptance 3 and 4. */
export const TARGETS = {
  throughputRatio: 0.8,
  p99RateMsgPerSec: 2000,
  p99Ms: 30,
  rssPerConnectionBytes: 20 * 1024,
  rssAtConnections: 5000,
  fullRunS: 15 * 60,
  quickRunS: 2 * 60,
};

const num = (v: number | undefined, digits = 0) =>
  v === undefined || !Number.isFinite(v)
    ? '–'
    : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (v: number | undefined) => num(v, v !== undefined && v < 10 ? 1 : 0);
const kb = (bytes: number | undefined) =>
  bytes === undefined ? '–' : `${num(bytes / 1024, 1)} KB`;
const mb = (bytes: number | undefined) =>
  bytes === undefined ? '–' : `${num(bytes / 2 ** 20, 1)} MiB`;
const pct = (v: number | undefined) => (v === undefined ? '–' : `${num(v, 0)} %`);
const yes = (ok: boolean | undefined) =>
  ok === undefined ? 'n/a' : ok ? '**met**' : '**not met**';

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** What went wrong in a step, if anything. */
function stepNotes(s: RampStep): string {
  const notes: string[] = [];
  if (!s.sustained) notes.push('**saturated**');
  if (queueGrew(s))
    notes.push(
      `queue grew: p50 ${ms(s.latencyFirstQuarter.p50)} → ${ms(s.latencyLastQuarter.p50)} ms over the step`,
    );
  if (s.ackErrors > 0)
    notes.push(
      `${num(s.ackErrors)} error acks (${Object.entries(s.ackErrorCodes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
    );
  if (s.acked + s.ackErrors < s.sent) notes.push(`${num(s.sent - s.acked - s.ackErrors)} unacked`);
  if (s.disconnects > 0) notes.push(`${num(s.disconnects)} disconnects`);
  if (s.misrouted > 0) notes.push(`${num(s.misrouted)} misrouted`);
  if (s.outOfOrder > 0) notes.push(`${num(s.outOfOrder)} out of order`);
  return notes.join('; ');
}

function rampTable(result: RampResult): string {
  const extra = [...new Set(result.steps.flatMap((s) => Object.keys(s.processCpu)))].filter(
    (n) => n !== 'generator',
  );
  const servers = extra.filter((n) => /^(gateway|relay|server)/.test(n));
  const others = extra.filter((n) => !servers.includes(n));
  return table(
    [
      'offered msg/s',
      'sent',
      'acked',
      'delivered/s',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'lost',
      'dup',
      'generator CPU',
      ...servers.map((s) => `${s} CPU`),
      ...others.map((s) => `${s} CPU`),
      'notes',
    ],
    result.steps.map((s) => [
      num(s.rate),
      num(s.sent),
      num(s.acked),
      num(s.deliveredPerSec),
      ms(s.latency.p50),
      ms(s.latency.p90),
      ms(s.latency.p99),
      ms(s.latency.max),
      s.lostFinal === s.lost ? num(s.lost) : `${num(s.lostFinal)} (${num(s.lost)} late)`,
      num(s.duplicates),
      pct(s.cpuPct),
      ...servers.map((n) => pct(s.processCpu[n])),
      ...others.map((n) => pct(s.processCpu[n])),
      stepNotes(s),
    ]),
  );
}

function ratioTable(pair: RampPair): string {
  const base = pair.baseline;
  if (!base) return '';
  const rates = [...new Set([...pair.ours.steps, ...base.steps].map((s) => s.rate))].sort(
    (a, b) => a - b,
  );
  return table(
    [
      'offered msg/s',
      'ours delivered/s',
      'baseline delivered/s',
      'delivered/s ratio',
      'ours p99 ms',
      'baseline p99 ms',
      'p99 ratio',
    ],
    rates.map((rate) => {
      const o = pair.ours.steps.find((s) => s.rate === rate);
      const b = base.steps.find((s) => s.rate === rate);
      const mark = (s: RampStep | undefined) => (s && !s.sustained ? ' (sat.)' : '');
      return [
        num(rate),
        `${num(o?.deliveredPerSec)}${mark(o)}`,
        `${num(b?.deliveredPerSec)}${mark(b)}`,
        o && b ? num(o.deliveredPerSec / b.deliveredPerSec, 2) : '–',
        ms(o?.latency.p99),
        ms(b?.latency.p99),
        o && b ? num(o.latency.p99 / Math.max(0.001, b.latency.p99), 1) : '–',
      ];
    }),
  );
}

/**
 * CPU milliseconds per message sent, per process, at a system's highest sustained step (or its
 * first step if none was sustained): what one message costs each part, fan-out included.
 */
function costTable(systems: readonly (RampResult | undefined)[]): string {
  const picked = systems.flatMap((r) => {
    const step = r ? (bestSustained(r) ?? r.steps[0]) : undefined;
    return r && step ? [{ name: r.name, step }] : [];
  });
  if (picked.length === 0) return '';
  const costs = picked.map(({ name, step }) => {
    // CPU % over the step's wall time (sending and draining) → CPU ms per message sent.
    const entries = Object.entries(step.processCpu).map(
      ([proc, pct]) => [proc, ((pct / 100) * step.wallMs) / step.sent] as const,
    );
    const total = entries.reduce((a, [, v]) => a + v, 0);
    return { name, step, entries, total };
  });
  return table(
    ['system', 'at msg/s', 'CPU ms per message, by process', 'total', 'rate 2 cores could carry'],
    costs.map((c) => [
      c.name,
      `${num(c.step.rate)}${c.step.sustained ? '' : ' (saturated)'}`,
      c.entries.map(([p, v]) => `${p} ${num(v, 2)}`).join(', '),
      `${num(c.total, 2)} ms`,
      `~${num(2000 / c.total)} msg/s`,
    ]),
  );
}

interface Acceptance {
  rows: string[][];
}

function acceptance(results: BenchResults): Acceptance {
  const rows: string[][] = [];
  const f = results.fanout;
  if (f?.baseline) {
    const o = bestSustained(f.ours);
    const b = bestSustained(f.baseline);
    const ratio = o && b ? o.deliveredPerSec / b.deliveredPerSec : undefined;
    const both = f.ours.steps
      .filter((s) => s.sustained && f.baseline?.steps.some((x) => x.rate === s.rate && x.sustained))
      .at(-1);
    rows.push([
      `At the highest rate each sustains without loss, our delivered/s (persistence on) ≥ ${TARGETS.throughputRatio}× the baseline's`,
      `ours ${num(o?.rate)} msg/s → ${num(o?.deliveredPerSec)} deliveries/s; baseline ${num(b?.rate)} msg/s → ${num(b?.deliveredPerSec)}/s; ratio **${num(ratio, 2)}**` +
        (both ? ` (highest rate both sustain: ${num(both.rate)} msg/s)` : ''),
      yes(ratio === undefined ? undefined : ratio >= TARGETS.throughputRatio),
    ]);
  }
  if (f) {
    const at = f.ours.steps.find((s) => s.rate === TARGETS.p99RateMsgPerSec);
    const knee = f.ours.steps.find((s) => !s.sustained);
    const stoppedBefore = !at && knee !== undefined && knee.rate < TARGETS.p99RateMsgPerSec;
    rows.push([
      `p99 ≤ ${TARGETS.p99Ms} ms at ${num(TARGETS.p99RateMsgPerSec)} msg/s (${num(TARGETS.p99RateMsgPerSec * (results.meta.members || 10))} deliveries/s)`,
      at
        ? `p99 **${ms(at.latency.p99)} ms** (p50 ${ms(at.latency.p50)}, max ${ms(at.latency.max)})${at.sustained ? '' : ', saturated'}`
        : stoppedBefore
          ? `not reachable: ours saturated at ${num(knee.rate)} msg/s (p99 ${ms(knee.latency.p99)} ms there)`
          : 'step not run (the ramp uses other rates)',
      yes(at ? at.latency.p99 <= TARGETS.p99Ms : stoppedBefore ? false : undefined),
    ]);
    const all = [...f.ours.steps, ...(results.embedded?.ours.steps ?? [])];
    const lost = all.reduce((a, s) => a + s.lostFinal, 0);
    const sustainedLost = all.filter((s) => s.sustained).reduce((a, s) => a + s.lostFinal, 0);
    const dup = all.reduce((a, s) => a + s.duplicates, 0);
    rows.push([
      'No delivery lost at any rate (ours, scaled and embedded)',
      `${num(lost)} deliveries never arrived over ${all.length} steps (${num(sustainedLost)} in sustained steps); ${num(dup)} duplicates`,
      yes(lost === 0 && dup === 0),
    ]);
  }
  const c = results.connections?.levels.find((l) => l.connections === TARGETS.rssAtConnections);
  if (c) {
    rows.push([
      `Idle connection ≤ 20 KB RSS at ${num(TARGETS.rssAtConnections)} connections`,
      `**${kb(c.rssPerConnection)}** RSS per connection (${kb(c.heapPerConnection)} heap) right after connecting` +
        (c.settled
          ? `; **${kb(c.settled.rssPerConnection)}** (${kb(c.settled.heapPerConnection)} heap) once idle, after a full GC`
          : '') +
        (results.connections?.relay
          ? `; the bare relay: ${kb(results.connections.relay.rssPerConnection)} (no forced GC)`
          : ''),
      c.settled
        ? `${c.rssPerConnection <= TARGETS.rssPerConnectionBytes ? '**met**' : 'not met'} right after connecting, ` +
          `${c.settled.rssPerConnection <= TARGETS.rssPerConnectionBytes ? '**met**' : '**not met**'} settled`
        : yes(c.rssPerConnection <= TARGETS.rssPerConnectionBytes),
    ]);
  }
  const limit = results.meta.mode === 'full' ? TARGETS.fullRunS : TARGETS.quickRunS;
  rows.push([
    `${results.meta.mode === 'full' ? 'Full run < 15 min' : 'Quick run < 2 min'} on this machine`,
    `${num(results.meta.durationS / 60, 1)} min`,
    yes(results.meta.durationS < limit),
  ]);
  return { rows };
}

function plot(results: BenchResults): string {
  const series: { name: string; color: string; result: RampResult | undefined }[] = [
    { name: 'ours, 2 replicas + Redis', color: '#d62728', result: results.fanout?.ours },
    { name: 'baseline relay, 2 procs + Redis', color: '#1f77b4', result: results.fanout?.baseline },
    { name: 'ours, embedded (1 process)', color: '#ff7f0e', result: results.embedded?.ours },
    { name: 'baseline relay, 1 proc', color: '#2ca02c', result: results.embedded?.baseline },
  ];
  const present = series.filter((s) => s.result && s.result.steps.length > 0);
  const lat = (pick: (s: RampStep) => number, dash?: string, suffix = ''): Series[] =>
    present.map((s) => ({
      name: `${s.name}${suffix}`,
      color: s.color,
      ...(dash ? { dash } : {}),
      points: (s.result?.steps ?? []).map((st) => ({
        x: st.rate,
        y: pick(st),
        open: !st.sustained,
      })),
    }));
  return chart(
    [
      {
        title: 'End-to-end latency vs offered load (p99 solid, p50 dashed)',
        xLabel: 'offered load, messages/s (× 10 deliveries each)',
        yLabel: 'latency, ms (log scale)',
        logY: true,
        series: [...lat((s) => s.latency.p99), ...lat((s) => s.latency.p50, '5,4', ' p50')],
      },
      {
        title: 'Delivered messages/s vs offered load',
        xLabel: 'offered load, messages/s',
        yLabel: 'deliveries/s',
        logY: false,
        series: lat((s) => s.deliveredPerSec),
      },
    ],
    `chat-service pnpm bench, ${results.meta.startedAt.slice(0, 10)}, commit ${results.meta.commit}; hollow points: step not sustained`,
    present.map((s) => ({ name: s.name, color: s.color })),
  );
}

function profileSection(p: ProfileResult | undefined, what: string): string {
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

export function renderMarkdown(results: BenchResults, options: BenchOptions): string {
  const m = results.meta;
  const mc = m.machine;
  const out: string[] = [];
  const plotName = path.basename(options.plot);
  // The report's own files are not part of the code measured.
  const dirty = m.dirty.filter(
    (f) => !f.endsWith('benchmarks.md') && !f.endsWith('benchmarks-latency.svg'),
  );
  out.push('# Benchmarks', '');
  out.push(
    `Generated by \`pnpm bench\` (${m.mode} run) on ${m.startedAt.replace('T', ' ').slice(0, 16)} UTC at commit ` +
      `\`${m.commit}\`${
        dirty.length
          ? ` (uncommitted changes in ${dirty
              .slice(0, 6)
              .map((f) => `\`${f}\``)
              .join(', ')}${dirty.length > 6 ? ' …' : ''})`
          : ''
      }; the run took ` +
      `${num(m.durationS / 60, 1)} min. Do not edit by hand: rerun \`pnpm bench\`. The analysis section is kept in ` +
      '`packages/bench/src/report/analysis.md` and written after looking at a full run.',
    '',
  );
  if (results.errors.length > 0) {
    out.push('**Scenarios that failed in this run:**', '');
    for (const e of results.errors) out.push(`- ${e.scenario}: ${e.message.split('\n')[0] ?? ''}`);
    out.push('');
  }
  out.push('## Targets (issue 6, acceptance 3 and 4)', '');
  out.push(table(['target', 'this run', ''], acceptance(results).rows), '');

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

  out.push('## 3. Persistence: sink throughput and lag', '');
  const p = results.persistence;
  if (p?.lag) {
    const l = p.lag;
    out.push(
      `**Lag at a steady ${num(l.rate)} msg/s** for ${num(l.durationMs / 1000)} s (the same cluster, all ` +
        `${m.rooms} rooms sending). For ${l.trackedRooms} rooms (${num(l.trackedMessages)} messages) probes poll ` +
        'the newest stored message (DynamoDB through the store adapter, strongly consistent) and the newest ' +
        'searchable one (`GET /chat/search` for a tag only that step and room carry, newest first); a message ' +
        'is stored / searchable at the first probe answer that includes its seq, measured from its ack at the ' +
        `sender. Probe resolution: one probe per room every ~${num(l.storedPollMs)} ms (store) and ` +
        `~${num(l.searchPollMs)} ms (search).`,
      '',
      table(
        ['', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'never seen'],
        [
          [
            'ack → stored (DynamoDB)',
            ms(l.stored.p50),
            ms(l.stored.p90),
            ms(l.stored.p99),
            ms(l.stored.max),
            num(l.missingStored),
          ],
          [
            'ack → searchable',
            ms(l.searchable.p50),
            ms(l.searchable.p90),
            ms(l.searchable.p99),
            ms(l.searchable.max),
            num(l.missingSearchable),
          ],
        ],
      ),
      '',
    );
  }
  if (p?.backlog) {
    const b = p.backlog;
    out.push(
      `**Sink throughput.** The sink worker was stopped, ${num(b.messages)} messages were sent (a backlog ` +
        'in the Redis Streams log), and the sink was started again; its `chat_sink_written_total` counters ' +
        'were polled until both consumer groups had written the whole backlog. One sink process runs both ' +
        'groups (store and search) concurrently, as `startCluster` runs it.',
      '',
      table(
        [
          'backlog',
          'store msgs/s',
          'search index msgs/s',
          'sink CPU',
          'sink CPU per 1k msgs',
          'dynalite CPU',
          'sink start-up',
        ],
        [
          [
            num(b.messages),
            num(b.storePerSec),
            num(b.searchPerSec),
            pct(b.sinkCpuPct),
            `${num(b.sinkCpuMsPer1k)} ms`,
            pct(b.dynaliteCpuPct),
            `${num(b.startupMs)} ms`,
          ],
        ],
      ),
      '',
    );
  }
  if (p?.raw && p.backlog) {
    const r = p.raw;
    out.push(
      `**Sink cost against a raw \`BatchWriteItem\` loop** on the same ${num(r.messages)} messages (read back ` +
        'from the store, the same item shape and key design, into a fresh table of the same dynalite):',
      '',
      table(
        ['path', 'msgs/s', 'sink store rate as a share of it'],
        [
          [
            'sink worker, store group (XREADGROUP → decode → putBatch → XACK)',
            num(p.backlog.storePerSec),
            '–',
          ],
          [
            'raw BatchWriteItem, 25 items per call, one call at a time',
            num(r.sequentialPerSec),
            pct((p.backlog.storePerSec / r.sequentialPerSec) * 100),
          ],
          [
            `raw BatchWriteItem, ${r.concurrency} calls in flight`,
            num(r.concurrentPerSec),
            pct((p.backlog.storePerSec / r.concurrentPerSec) * 100),
          ],
        ],
      ),
      '',
    );
  }
  if (p?.index) {
    const i = p.index;
    out.push(
      `**Index adapters alone** (in the orchestrator process, the same ${num(i.messages)} messages in batches ` +
        `of ${i.batch}): Elasticsearch adapter against \`@elastic/elasticsearch-mock\` (request building, ` +
        `client and mock parsing; no network) **${num(i.elasticsearchMockPerSec)} msgs/s**; SQLite FTS index ` +
        `(the local cluster's index, fsync on) **${num(i.sqlitePerSec)} msgs/s**.`,
      '',
    );
  }
  if (!p) out.push('_Not run._', '');

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

  out.push('## 5. Idle connections: memory and set-up rate', '');
  const c = results.connections;
  if (c) {
    out.push(
      'A fresh gateway replica on the cluster’s Redis and dynalite; new guest users (one socket each, ' +
        `authenticated, no rooms) connect with ${c.concurrency} in flight and stay idle. RSS from ` +
        '`/proc/<pid>/status`, heap used from the gateway’s `/metrics` (`nodejs_heap_size_used_bytes`), each ' +
        `the lowest of several samples a few seconds after the last connect. At 0 connections: RSS ${mb(c.idle.rssBytes)}, ` +
        `heap used ${mb(c.idle.heapUsedBytes)} of ${mb(c.idle.heapTotalBytes)} committed, external ${mb(c.idle.externalBytes)}. ` +
        'Those samples still hold the garbage of connecting (sign-in, token check, room and presence ' +
        'reads) that V8 has not collected yet; the column "after a full GC" is the same gateway once ' +
        'that is collected — a full GC forced through the inspector (`--inspect`, no product code ' +
        'involved), RSS again the lowest of a few samples, both measured from the idle gateway after ' +
        'its own full GC: what an idle connection costs once the server has settled.',
      '',
      table(
        [
          'connections',
          'RSS',
          'heap used',
          'heap committed',
          'external',
          'RSS per conn',
          'heap per conn',
          'RSS per conn, marginal',
          'RSS / heap per conn after a full GC',
          'sign-ins/s',
          'connects/s',
          'connect p50 / p99 ms',
          'failed',
        ],
        c.levels.map((l) => [
          num(l.connections),
          mb(l.rssBytes),
          mb(l.heapUsedBytes),
          mb(l.heapTotalBytes),
          mb(l.externalBytes),
          kb(l.rssPerConnection),
          kb(l.heapPerConnection),
          kb(l.rssPerConnectionMarginal),
          l.settled
            ? `${kb(l.settled.rssPerConnection)} / ${kb(l.settled.heapPerConnection)}`
            : '–',
          num(l.setup.sessionsPerSec),
          num(l.setup.connectsPerSec),
          `${ms(l.setup.connectMs.p50)} / ${ms(l.setup.connectMs.p99)}`,
          num(l.setup.failed),
        ]),
      ),
      '',
    );
    if (c.relay) {
      const r = c.relay;
      out.push(
        `**The transport's floor:** the same ${num(r.connections)} idle sockets on the one-process baseline ` +
          `relay (no sign-in, each socket joins a room): **${kb(r.rssPerConnection)} RSS** and ` +
          `${kb(r.heapPerConnection)} heap per connection (RSS ${mb(r.idleRssBytes)} → ${mb(r.rssBytes)}), ` +
          `${num(r.connectsPerSec)} connects/s.`,
        '',
      );
    }
    if (c.heap) {
      out.push(
        `**What an idle connection holds.** Heap snapshots of the same gateway (\`--heapsnapshot-signal\`; ` +
          'a snapshot forces a full GC, so they are taken after every memory sample): with every ' +
          `socket closed and the gateway quiet, then after ${num(c.heap.connections)} new users connected. ` +
          `The difference is **${kb(c.heap.totalPerConnection)} of heap per connection** (shallow sizes of ` +
          'every live object). The largest kinds, per connection:',
        '',
        table(
          ['object kind (constructor / closure)', 'bytes per connection', 'objects per connection'],
          c.heap.kinds.map((k) => [
            `\`${(k.kind.trim() === 'closure' ? 'closure (anonymous)' : k.kind).replaceAll('|', '\\|').replaceAll('`', "'")}\``,
            num(k.bytesPerUnit),
            num(k.countPerUnit, 1),
          ]),
        ),
        '',
      );
    }
  } else out.push('_Not run._', '');

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

  out.push('## 7. Uploads: throughput and memory', '', renderUploads(results.uploads), '');

  out.push("## 8. A message's life: rich content, edits and reactions", '');
  const ch = results.changes;
  if (ch) {
    out.push(
      'The scaled cluster and members of section 1, steps of half the length. Each member first ' +
        'sends one message. **Content:** new messages with plain text against the same with ' +
        'markdown (bold, italic and inline code) and an `@mention` of another member, which the ' +
        'server resolves into `mentions`; the two alternate rate by rate. **Changes:** edits of each ' +
        "member's own newest message against reactions toggled on the room's newest message, " +
        'alternating the same way; each change takes a seq and reaches every member as ' +
        "`message_changed`, where its latency is measured like a new message's.",
      '',
      richContentVerdict(ch),
      '',
    );
    for (const r of [...ch.content, ...ch.changes]) out.push(`**${r.name}**`, '', rampTable(r), '');
    out.push('**CPU per operation**', '', costTable([...ch.content, ...ch.changes]), '');
  } else out.push('_Not run._', '');

  out.push(
    '## CPU profiles at saturation',
    '',
    '### Gateways (scaled mode)',
    '',
    profileSection(results.profile, 'Both gateway replicas were'),
    '',
    '### Embedded server',
    '',
    profileSection(results.embeddedProfile, 'The embedded server was'),
    '',
  );

  if (existsSync(ANALYSIS)) {
    out.push(readFileSync(ANALYSIS, 'utf8').trim(), '');
  }

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
  return `${out.join('\n')}\n`;
}

/** Writes the markdown (prettier-formatted by the caller) and the SVG plot. */
export async function writeReport(results: BenchResults, options: BenchOptions): Promise<void> {
  await writeFormatted(options.out, renderMarkdown(results, options), 'markdown');
  writeFileSync(options.plot, plot(results));
}
