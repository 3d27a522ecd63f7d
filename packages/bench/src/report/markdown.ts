import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchOptions } from '../options.js';
import type { BenchResults } from '../run.js';
import { latencyPlot } from './plot.js';
import { analysisSection } from './sections/analysis.js';
import { changesSection } from './sections/changes.js';
import { connectionsSection } from './sections/connections.js';
import { embeddedSection } from './sections/embedded.js';
import { fanoutSection } from './sections/fanout.js';
import { headerSection } from './sections/header.js';
import { historySection } from './sections/history.js';
import { machineSection } from './sections/machine.js';
import { methodSection } from './sections/method.js';
import { persistenceSection } from './sections/persistence.js';
import { profilesSection } from './sections/profiles.js';
import type { ReportSection } from './sections/section.js';
import { targetsSection } from './sections/targets.js';
import { uploadsSection } from './sections/uploads.js';
import { writeFormatted } from './write-formatted.js';

/** docs/benchmarks.md, in order: one renderer per section. */
const SECTIONS: readonly ReportSection[] = [
  headerSection,
  targetsSection,
  machineSection,
  fanoutSection,
  persistenceSection,
  historySection,
  connectionsSection,
  embeddedSection,
  uploadsSection,
  changesSection,
  profilesSection,
  analysisSection,
  methodSection,
];

export function renderMarkdown(results: BenchResults, options: BenchOptions): string {
  const context = { plotName: path.basename(options.plot) };
  return `${SECTIONS.flatMap((section) => section(results, context)).join('\n')}\n`;
}

/** Writes the markdown (prettier-formatted by the caller) and the SVG plot. */
export async function writeReport(results: BenchResults, options: BenchOptions): Promise<void> {
  await writeFormatted(options.out, renderMarkdown(results, options), 'markdown');
  writeFileSync(options.plot, latencyPlot(results));
}
