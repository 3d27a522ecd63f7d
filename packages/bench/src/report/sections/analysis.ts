import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ANALYSIS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../analysis.md');

/** The hand-written analysis, `src/report/analysis.md`, written after looking at a full run. */
export function analysisSection(): string[] {
  return existsSync(ANALYSIS) ? [readFileSync(ANALYSIS, 'utf8').trim(), ''] : [];
}
