import path from 'node:path';
import type { SoakResults } from './results.js';
import { correctnessSection } from './sections/correctness.js';
import { headingSection } from './sections/heading.js';
import { idleSection } from './sections/idle.js';
import { loadSection } from './sections/load.js';
import { memorySection } from './sections/memory.js';
import { methodSection } from './sections/method.js';
import type { SoakSection } from './sections/section.js';
import { snapshotsSection } from './sections/snapshots.js';
import type { SoakSummary } from './summary.js';

/** The soak's section of docs/reliability.md, in order: one renderer per part. */
const SECTIONS: readonly SoakSection[] = [
  headingSection,
  loadSection,
  correctnessSection,
  memorySection,
  idleSection,
  snapshotsSection,
  methodSection,
];

/** The section for docs/reliability.md; the plot is linked relative to the directory `linkFrom`. */
export function renderSoakMarkdown(
  results: SoakResults,
  summary: SoakSummary,
  linkFrom: string,
  plotFile: string,
): string {
  const plotLink = path.relative(linkFrom, plotFile).split(path.sep).join('/');
  return SECTIONS.flatMap((section) => section({ results, summary, plotLink })).join('\n');
}
