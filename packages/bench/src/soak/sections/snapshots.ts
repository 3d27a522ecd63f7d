import { MiB, signed, table } from '../format.js';
import type { SoakSection } from './section.js';

/** What grew between the heap snapshots (`--snapshots`), by object kind. */
export const snapshotsSection: SoakSection = ({ results }) => {
  const out: string[] = [];
  const snaps = results.processes.filter((p) => p.snapshotGrowth);
  if (snaps.length > 0) {
    out.push('### What grew between the heap snapshots (warm-up end → end)', '');
    for (const p of snaps) {
      const g = p.snapshotGrowth;
      if (!g) continue;
      out.push(`${p.name}: ${signed(g.totalBytes / MiB, 2)} MiB in all.`, '');
      out.push(
        table(
          ['Object kind', 'Bytes', 'Count'],
          g.kinds
            .filter((k) => k.bytesPerUnit !== 0 || k.countPerUnit !== 0)
            .slice(0, 10)
            .map((k) => [
              `\`${k.kind.replaceAll('|', '\\|')}\``,
              signed(k.bytesPerUnit, 0),
              signed(k.countPerUnit, 0),
            ]),
        ),
        '',
      );
    }
  }
  return out;
};
