/** Number and table formatting shared by the sections of docs/benchmarks.md. */
export const num = (v: number | undefined, digits = 0) =>
  v === undefined || !Number.isFinite(v)
    ? '–'
    : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const ms = (v: number | undefined) => num(v, v !== undefined && v < 10 ? 1 : 0);
export const kb = (bytes: number | undefined) =>
  bytes === undefined ? '–' : `${num(bytes / 1024, 1)} KB`;
export const mb = (bytes: number | undefined) =>
  bytes === undefined ? '–' : `${num(bytes / 2 ** 20, 1)} MiB`;
export const pct = (v: number | undefined) => (v === undefined ? '–' : `${num(v, 0)} %`);
export const yes = (ok: boolean | undefined) =>
  ok === undefined ? 'n/a' : ok ? '**met**' : '**not met**';

export function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}
