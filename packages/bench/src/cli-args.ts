import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * The flags of `pnpm bench` and `pnpm soak`, read by `node:util` `parseArgs` (strict: an
 * unknown flag, a missing value or a positional argument fails, with the usage). A lone `--`
 * (pnpm passes one through) is dropped; `--help` / `-h` prints the usage and exits.
 */
export function readFlags<const T extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: T,
  usage: string,
) {
  const args = argv.filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage);
    process.exit(0);
  }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${usage}`, {
      cause: error,
    });
  }
}

/** `[<label>   12 s] line` on stdout: progress of a long run, seconds since it started. */
export function progressLog(label: string): (line: string) => void {
  const t0 = Date.now();
  return (line) =>
    process.stdout.write(
      `[${label} ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}\n`,
    );
}
