import { readFileSync } from 'node:fs';
import { REPO_ROOT } from '../infra/servers.js';

/** The parts of a V8 `.cpuprofile` this summary reads. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  where: string;
  area: string;
  selfPct: number;
}

export interface ProfileSummary {
  /** Sampled time in the window, ms. */
  windowMs: number;
  samples: number;
  /** Share of samples in which the main thread was idle (waiting for I/O). */
  idlePct: number;
  /** Top functions by self time, % of the non-idle samples. */
  top: ProfileEntry[];
  /** Self time by package or workspace folder, % of the non-idle samples. */
  areas: { area: string; selfPct: number }[];
  /** Share of non-idle samples with the area anywhere on the stack (time spent under it). */
  inclusiveAreas: { area: string; pct: number }[];
  /** The same for groups of packages (a sample counts once per group). */
  inclusiveGroups: { group: string; pct: number }[];
  /** Workspace functions (apps/, packages/) by inclusive time. */
  inclusiveWorkspace: { name: string; where: string; pct: number }[];
}

const isWorkspace = (area: string) => area.startsWith('apps/') || area.startsWith('packages/');

/** Groups of areas whose inclusive time answers "how much goes to X". */
export function groupOf(area: string): string | undefined {
  if (
    area.startsWith('@aws-sdk/') ||
    area.startsWith('@smithy/') ||
    area === '@aws-crypto/sha256-js'
  )
    return 'AWS SDK v3 (DynamoDB client)';
  if (
    [
      'socket.io',
      'engine.io',
      'ws',
      'socket.io-parser',
      'socket.io-adapter',
      'notepack.io',
    ].includes(area) ||
    area === '@socket.io/redis-adapter'
  )
    return 'Socket.IO stack (socket.io, engine.io, ws, adapters)';
  if (
    ['ioredis', 'redis-parser', 'denque', 'cluster-key-slot', 'standard-as-callback'].includes(area)
  )
    return 'ioredis';
  if (area.startsWith('@nestjs/') || area === 'rxjs') return 'NestJS + rxjs';
  if (area === 'zod') return 'zod';
  if (['pino', 'prom-client', 'sonic-boom', 'thread-stream'].includes(area))
    return 'pino + prom-client';
  if (area === 'better-sqlite3') return 'better-sqlite3 (SQLite)';
  if (area === 'jose') return 'jose (tokens)';
  if (isWorkspace(area)) return 'workspace code (apps/, packages/)';
  if (area === 'V8: garbage collector') return 'V8 garbage collector';
  return undefined;
}

/** Package name of a node_modules path, or the workspace folder, or a runtime category. */
export function areaOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'V8: garbage collector';
    if (functionName === '(program)') return 'V8/native (program)';
    if (functionName === '(idle)') return 'idle';
    return 'native';
  }
  if (url.startsWith('node:')) return 'node: core';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? url);
  }
  const path = url.replace(/^file:\/\//, '');
  if (path.startsWith(REPO_ROOT)) {
    const rel = path.slice(REPO_ROOT.length + 1).split('/');
    return `${rel[0] ?? ''}/${rel[1] ?? ''}`;
  }
  return path;
}

function shortWhere(url: string, line: number): string {
  if (!url) return '';
  let path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) path = path.slice(nm + '/node_modules/'.length);
  else if (path.startsWith(REPO_ROOT)) {
    // Workspace TypeScript runs as tsx's transpiled output: its line numbers mean nothing.
    return path.slice(REPO_ROOT.length + 1);
  }
  return `${path}:${line + 1}`;
}

/**
 * Self time per function within [fromMs, toMs] after the profile started (sample times are
 * the profile's own clock: offsets from its start), over one or more profiles.
 */
export function summarizeProfiles(
  files: readonly { file: string; fromMs: number; toMs: number }[],
  top = 25,
): ProfileSummary {
  const self = new Map<string, { name: string; where: string; area: string; count: number }>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const groups = new Map<string, number>();
  const inclusiveFns = new Map<string, { name: string; where: string; count: number }>();
  let total = 0;
  let idle = 0;
  let windowMs = 0;
  for (const { file, fromMs, toMs } of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    let t = 0;
    windowMs += toMs - fromMs;
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.timeDeltas[i] ?? 0;
      const ms = t / 1000;
      if (ms < fromMs || ms > toMs) continue;
      const frame = byId.get(profile.samples[i] ?? -1);
      if (!frame) continue;
      total++;
      if (frame.functionName === '(idle)') {
        idle++;
        continue;
      }
      const area = areaOf(frame.url, frame.functionName);
      const name = frame.functionName || '(anonymous)';
      const where = shortWhere(frame.url, frame.lineNumber);
      const key = `${name}\u0000${where}`;
      const entry = self.get(key) ?? { name, where, area, count: 0 };
      entry.count++;
      self.set(key, entry);
      areas.set(area, (areas.get(area) ?? 0) + 1);
      // Walk up the stack once per sample; count each area and workspace function once.
      const seenAreas = new Set<string>();
      const seenFns = new Set<string>();
      let id: number | undefined = profile.samples[i];
      for (let depth = 0; id !== undefined && depth < 500; depth++) {
        const f = byId.get(id);
        if (!f) break;
        if (f.url || f.functionName !== '(root)') {
          const a = areaOf(f.url, f.functionName);
          seenAreas.add(a);
          if (isWorkspace(a) && f.functionName) {
            const w = shortWhere(f.url, f.lineNumber);
            const k = `${f.functionName}\u0000${w}`;
            if (!seenFns.has(k)) {
              seenFns.add(k);
              const e = inclusiveFns.get(k) ?? { name: f.functionName, where: w, count: 0 };
              e.count++;
              inclusiveFns.set(k, e);
            }
          }
        }
        id = parent.get(id);
      }
      const seenGroups = new Set<string>();
      for (const a of seenAreas) {
        inclusive.set(a, (inclusive.get(a) ?? 0) + 1);
        const g = groupOf(a);
        if (g) seenGroups.add(g);
      }
      for (const g of seenGroups) groups.set(g, (groups.get(g) ?? 0) + 1);
    }
  }
  const busy = Math.max(1, total - idle);
  return {
    windowMs,
    samples: total,
    idlePct: total ? (idle / total) * 100 : 0,
    top: [...self.values()]
      .sort((a, b) => b.count - a.count)
      .slice(0, top)
      .map((e) => ({
        name: e.name,
        where: e.where,
        area: e.area,
        selfPct: (e.count / busy) * 100,
      })),
    areas: [...areas]
      .sort((a, b) => b[1] - a[1])
      .map(([area, count]) => ({ area, selfPct: (count / busy) * 100 })),
    inclusiveAreas: [...inclusive]
      // Node's own frames sit under every callback: their inclusive share says nothing.
      .filter(([area]) => !['native', 'V8/native (program)', 'node: core'].includes(area))
      .sort((a, b) => b[1] - a[1])
      .map(([area, count]) => ({ area, pct: (count / busy) * 100 })),
    inclusiveGroups: [...groups]
      .sort((a, b) => b[1] - a[1])
      .map(([group, count]) => ({ group, pct: (count / busy) * 100 })),
    inclusiveWorkspace: [...inclusiveFns.values()]
      .sort((a, b) => b.count - a.count)
      .slice(0, top)
      .map((e) => ({ name: e.name, where: e.where, pct: (e.count / busy) * 100 })),
  };
}
