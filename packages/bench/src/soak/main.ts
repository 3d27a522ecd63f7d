/**
 * `pnpm soak`: ten minutes (by default) of steady load with connection churn against two
 * gateway replicas; heap after GC and RSS sampled throughout. Writes the plot and a markdown
 * section for docs/reliability.md, and stops everything it started (also on Ctrl-C).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { progressLog } from '../cli-args.js';
import { writeFormatted } from '../report/write-formatted.js';
import { parseSoakOptions } from './options.js';
import { soakChart } from './chart.js';
import { renderSoakMarkdown } from './markdown.js';
import { soakProblems } from './problems.js';
import type { SoakResults } from './results.js';
import { runSoak } from './run.js';
import { summarize } from './summary.js';

async function main(): Promise<void> {
  const options = parseSoakOptions(process.argv.slice(2));
  const log = progressLog('soak');
  let results: SoakResults;
  if (options.reportOnly) {
    results = JSON.parse(readFileSync(options.reportOnly, 'utf8')) as SoakResults;
    log(`rendering the report of the run in ${options.reportOnly}`);
  } else {
    results = await runSoak(options, log);
    if (results.meta.interrupted) {
      log('interrupted: no report written');
      process.exit(130);
    }
    await writeFormatted(options.raw, JSON.stringify(results), 'json');
  }
  const summary = summarize(results);
  mkdirSync(path.dirname(options.plot), { recursive: true });
  writeFileSync(options.plot, soakChart(results, summary));
  await writeFormatted(
    options.out,
    renderSoakMarkdown(results, summary, options.linkFrom, options.plot),
    'markdown',
  );

  const b = summary.base;
  log(
    `base load: ${b.sent} sent, ${b.acked} acked, ${b.delivered}/${b.expected} delivered, ` +
      `lost ${b.lost}, dup ${b.duplicates}, dropped sockets ${b.disconnects}`,
  );
  const c = results.churn;
  if (c) {
    log(
      `churn: ${c.sessions} sessions (${c.completed} ok, ${c.failed} failed, ${c.skipped} not ` +
        `started), ${c.connects} connects, ${c.signins} sign-ins, rooms ${c.roomsCreated} ` +
        `created / ${c.roomsDeleted} deleted, ${c.messagesAcked} messages acked`,
    );
    for (const sample of c.errorSamples) log(`churn failure: ${sample}`);
  }
  const s = results.storage;
  if (s) {
    log(
      `stored: ${s.stored}/${s.acked} acked base messages (${s.missing} missing, ` +
        `${s.storedTwice} twice), churn ${s.churnStored}/${s.churnAcked}`,
    );
  }
  for (const p of summary.processes) {
    const mib = (v: number | undefined) => (v === undefined ? '–' : (v / 2 ** 20).toFixed(1));
    const pct = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(1)} %`);
    log(
      `${p.name.padEnd(9)}: heap after GC ${mib(p.warm.heap)} → ${mib(p.end.heap)} MiB ` +
        `(${pct(p.heapGrowthPct)}), rss ${mib(p.warm.rss)} → ${mib(p.end.rss)} MiB ` +
        `(${pct(p.rssGrowthPct)}), timers ${p.warm.timers ?? '–'} → ${p.end.timers ?? '–'}, ` +
        `${p.samples} samples`,
    );
  }
  log(
    summary.pass === undefined
      ? 'verdict: not judged (quick run or missing samples)'
      : `verdict: heap growth ${summary.pass ? 'under' : 'OVER'} ${results.meta.options.maxGrowthPct} %`,
  );
  log(`section: ${options.out}`);
  log(`plot:    ${options.plot}`);
  if (!options.reportOnly) log(`raw:     ${options.raw}`);
  const problems = soakProblems(results, summary);
  for (const p of problems) log(`problem: ${p}`);
  if (problems.length > 0 && options.check) process.exit(1);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
