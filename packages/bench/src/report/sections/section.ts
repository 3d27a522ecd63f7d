import type { BenchResults } from '../../run.js';

/** What a section needs besides the results. */
export interface SectionContext {
  /** File name of the latency plot, linked from the fan-out section. */
  plotName: string;
}

/**
 * One section of docs/benchmarks.md: its markdown lines, each block followed by an empty line
 * (the report joins every section's lines with newlines).
 */
export type ReportSection = (results: BenchResults, context: SectionContext) => string[];
