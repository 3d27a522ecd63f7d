/** Number and table formatting of the soak's section. */
export const MiB = 2 ** 20;

export const num = (v: number | undefined, digits = 0) =>
  v === undefined || !Number.isFinite(v)
    ? '–'
    : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const mib = (bytes: number | undefined) =>
  bytes === undefined ? '–' : `${num(bytes / MiB, 1)}`;
export const signed = (v: number | undefined, digits = 1) =>
  v === undefined || !Number.isFinite(v) ? '–' : `${v >= 0 ? '+' : '−'}${num(Math.abs(v), digits)}`;
export const minutes = (s: number) => `${num(s / 60, s < 600 ? 1 : 0)} min`;

/** A markdown table, numbers right-aligned (every column but the first). */
export function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (i === 0 ? '---' : '--:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}
