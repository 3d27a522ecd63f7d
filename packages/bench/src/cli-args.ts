/**
 * A small reader of command-line flags for `pnpm bench` and `pnpm soak`: each call takes what
 * it reads out of the list, so `rest` is whatever nobody asked for (an error for the caller).
 */
export function argvReader(argv: readonly string[], usage: string) {
  const args = [...argv];
  const flag = (name: string): boolean => {
    const i = args.indexOf(name);
    if (i < 0) return false;
    args.splice(i, 1);
    return true;
  };
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
    args.splice(i, 2);
    return v;
  };
  /** Prints the usage and exits on `--help` / `-h`. */
  const helpRequested = (): void => {
    if (flag('--help') || flag('-h')) {
      process.stdout.write(usage);
      process.exit(0);
    }
  };
  /** Fails on anything left over (a lone `--` from pnpm is fine). */
  const assertConsumed = (): void => {
    const rest = args.filter((a) => a !== '--');
    if (rest.length > 0) throw new Error(`unknown arguments: ${rest.join(' ')}\n${usage}`);
  };
  return { flag, value, helpRequested, assertConsumed };
}

/** `[<label>   12 s] line` on stdout: progress of a long run, seconds since it started. */
export function progressLog(label: string): (line: string) => void {
  const t0 = Date.now();
  return (line) =>
    process.stdout.write(
      `[${label} ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}\n`,
    );
}
