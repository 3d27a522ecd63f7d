/**
 * `pnpm bench`: runs the benchmark scenarios against servers it starts on loopback, writes
 * docs/benchmarks.md and the latency plot, and stops everything it started.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { progressLog } from './cli-args.js';
import { PACKAGE_DIR } from './infra/servers.js';
import { parseOptions } from './options.js';
import { checkResults } from './report/check.js';
import { writeReport } from './report/markdown.js';
import { writeFormatted } from './report/write-formatted.js';
import { runBenchmarks, type BenchResults } from './run.js';

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const log = progressLog('bench');
  const rawDir = path.join(PACKAGE_DIR, '.results');
  const raw = options.reportOnly ?? path.join(rawDir, `latest-${options.mode}.json`);
  let results: BenchResults;
  if (options.reportOnly) {
    // Re-render the report of a finished run (e.g. after editing analysis.md); no measuring.
    results = JSON.parse(readFileSync(options.reportOnly, 'utf8')) as BenchResults;
    log(`rendering the report of the run in ${options.reportOnly}`);
  } else {
    log(`${options.mode} run: ${[...options.scenarios].join(', ')}`);
    results = await runBenchmarks(options, log);
    await writeFormatted(raw, JSON.stringify(results), 'json');
  }
  await writeReport(results, options);
  log(`report: ${options.out}`);
  log(`plot:   ${options.plot}`);
  log(`raw:    ${raw}`);
  log(`run took ${results.meta.durationS.toFixed(0)} s`);
  const problems = checkResults(results, options);
  if (problems.length > 0) {
    for (const p of problems) log(`harness problem: ${p}`);
    if (options.check) process.exit(1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
