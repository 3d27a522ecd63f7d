import type { BenchResults } from '../../run.js';
import type { ConnectionsResult } from '../../scenarios/connections.js';
import { kb, mb, ms, num, table } from '../format.js';

/** Memory per idle connection at each level, right after connecting and after a full GC. */
function levels(c: ConnectionsResult): string[] {
  return [
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
        l.settled ? `${kb(l.settled.rssPerConnection)} / ${kb(l.settled.heapPerConnection)}` : '–',
        num(l.setup.sessionsPerSec),
        num(l.setup.connectsPerSec),
        `${ms(l.setup.connectMs.p50)} / ${ms(l.setup.connectMs.p99)}`,
        num(l.setup.failed),
      ]),
    ),
    '',
  ];
}

/** The same idle sockets on the bare one-process relay. */
function relayFloor(r: NonNullable<ConnectionsResult['relay']>): string[] {
  return [
    `**The transport's floor:** the same ${num(r.connections)} idle sockets on the one-process baseline ` +
      `relay (no sign-in, each socket joins a room): **${kb(r.rssPerConnection)} RSS** and ` +
      `${kb(r.heapPerConnection)} heap per connection (RSS ${mb(r.idleRssBytes)} → ${mb(r.rssBytes)}), ` +
      `${num(r.connectsPerSec)} connects/s.`,
    '',
  ];
}

/** Heap snapshots before and after connecting: what an idle connection holds, by kind. */
function heldObjects(heap: NonNullable<ConnectionsResult['heap']>): string[] {
  return [
    `**What an idle connection holds.** Heap snapshots of the same gateway (\`--heapsnapshot-signal\`; ` +
      'a snapshot forces a full GC, so they are taken after every memory sample): with every ' +
      `socket closed and the gateway quiet, then after ${num(heap.connections)} new users connected. ` +
      `The difference is **${kb(heap.totalPerConnection)} of heap per connection** (shallow sizes of ` +
      'every live object). The largest kinds, per connection:',
    '',
    table(
      ['object kind (constructor / closure)', 'bytes per connection', 'objects per connection'],
      heap.kinds.map((k) => [
        `\`${(k.kind.trim() === 'closure' ? 'closure (anonymous)' : k.kind).replaceAll('|', '\\|').replaceAll('`', "'")}\``,
        num(k.bytesPerUnit),
        num(k.countPerUnit, 1),
      ]),
    ),
    '',
  ];
}

/** Section 5: idle connections, memory and set-up rate. */
export function connectionsSection(results: BenchResults): string[] {
  const c = results.connections;
  return [
    '## 5. Idle connections: memory and set-up rate',
    '',
    ...(c
      ? [
          ...levels(c),
          ...(c.relay ? relayFloor(c.relay) : []),
          ...(c.heap ? heldObjects(c.heap) : []),
        ]
      : ['_Not run._', '']),
  ];
}
