import type { SoakResults } from '../results.js';
import type { SoakSummary } from '../summary.js';

/** What a section of the soak's markdown reads. */
export interface SoakReport {
  results: SoakResults;
  summary: SoakSummary;
  /** The plot, relative to where the section will be pasted. */
  plotLink: string;
}

/** One section: its markdown lines, each block followed by an empty line. */
export type SoakSection = (report: SoakReport) => string[];
