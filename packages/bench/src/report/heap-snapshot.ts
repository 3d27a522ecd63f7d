import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { sleep } from '../stats.js';

/** The parts of a V8 `.heapsnapshot` this summary reads. */
interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapTotals {
  totalBytes: number;
  /** Shallow size and count per `type:name` (constructor name for objects). */
  byKind: Map<string, { bytes: number; count: number }>;
}

/** Shallow sizes per kind of object: objects by constructor, closures by function, strings… */
export function readHeapSnapshot(file: string): HeapTotals {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const byKind = new Map<string, { bytes: number; count: number }>();
  let totalBytes = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt] ?? 0] ?? '?';
    const size = snap.nodes[i + sizeAt] ?? 0;
    totalBytes += size;
    let key: string;
    if (type === 'object' || type === 'closure' || type === 'native') {
      const name = snap.strings[snap.nodes[i + nameAt] ?? 0] ?? '?';
      key = `${type === 'object' ? '' : `${type} `}${name.slice(0, 60)}`;
    } else key = `(${type})`;
    const entry = byKind.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += size;
    entry.count++;
    byKind.set(key, entry);
  }
  return { totalBytes, byKind };
}

export interface HeapGrowth {
  kind: string;
  bytesPerUnit: number;
  countPerUnit: number;
}

/** Growth per unit (e.g. per connection) from `before` to `after`, largest first. */
export function heapGrowth(
  before: HeapTotals,
  after: HeapTotals,
  units: number,
  top = 15,
): { totalPerUnit: number; kinds: HeapGrowth[] } {
  const kinds: HeapGrowth[] = [];
  for (const [kind, a] of after.byKind) {
    const b = before.byKind.get(kind) ?? { bytes: 0, count: 0 };
    kinds.push({
      kind,
      bytesPerUnit: (a.bytes - b.bytes) / units,
      countPerUnit: (a.count - b.count) / units,
    });
  }
  kinds.sort((x, y) => y.bytesPerUnit - x.bytesPerUnit);
  return {
    totalPerUnit: (after.totalBytes - before.totalBytes) / units,
    kinds: kinds.slice(0, top),
  };
}

/**
 * Asks a process started with `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=<dir>` for a heap
 * snapshot and waits until the file is completely written.
 */
export async function takeHeapSnapshot(pid: number, dir: string, timeoutMs = 120_000) {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  const deadline = performance.now() + timeoutMs;
  let file: string | undefined;
  let lastSize = -1;
  let stableSince = 0;
  while (performance.now() < deadline) {
    await sleep(250);
    file ??= readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!file) continue;
    const size = statSync(path.join(dir, file)).size;
    if (size > 0 && size === lastSize) {
      if (performance.now() - stableSince > 1000) return path.join(dir, file);
    } else {
      lastSize = size;
      stableSince = performance.now();
    }
  }
  throw new Error(`no complete heap snapshot from ${pid} in ${dir}`);
}
