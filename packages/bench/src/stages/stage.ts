import type { Cleanup } from '../infra/cleanup.js';
import type { BenchOptions } from '../options.js';
import type { BenchResults } from '../run.js';
import type { RampOptions } from '../scenarios/ramp.js';

/** What every stage and scenario of one `pnpm bench` run shares. */
export interface RunContext {
  options: BenchOptions;
  log: (line: string) => void;
  /** Filled in by the scenarios as they finish. */
  results: Omit<BenchResults, 'meta'>;
  /** Everything started is registered here and stopped by the run, also on Ctrl-C. */
  cleanup: Cleanup;
  dataDir: string;
  /** Prefix of the user names of this run. */
  runTag: string;
  ramp: RampOptions;
}

/** One scenario: the name its failure is reported under, whether it runs, and what it does. */
export interface Scenario<Env extends RunContext> {
  name: string;
  /** Asked right before it would run (a scenario may depend on an earlier one's results). */
  wanted: (env: Env) => boolean;
  run: (env: Env) => Promise<void>;
}

/**
 * Servers and clients that several scenarios measure in turn: `start` sets them up (a failure
 * there is reported under the stage's name), then the scenarios run in order, each failure
 * reported and the next one run, then `stop` stops what the later stages do not need.
 */
export interface Stage<Env extends RunContext> {
  name: string;
  wanted: (options: BenchOptions) => boolean;
  start: (run: RunContext) => Promise<Env>;
  scenarios: readonly Scenario<Env>[];
  stop?: (env: Env) => Promise<void>;
}

/** Runs `work`; a failure is logged and kept in the results instead of thrown. */
export async function attempt(
  run: RunContext,
  name: string,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    run.log(`${name} FAILED: ${message}`);
    run.results.errors.push({ scenario: name, message });
  }
}

/** Runs a stage and its wanted scenarios, if this run wants it. */
export async function runStage<Env extends RunContext>(
  stage: Stage<Env>,
  run: RunContext,
): Promise<void> {
  if (!stage.wanted(run.options)) return;
  await attempt(run, stage.name, async () => {
    const env = await stage.start(run);
    for (const scenario of stage.scenarios) {
      if (scenario.wanted(env)) await attempt(run, scenario.name, () => scenario.run(env));
    }
    await stage.stop?.(env);
  });
}

/** A stage ready to run, whatever it sets up for its scenarios. */
export type StageRunner = (run: RunContext) => Promise<void>;

export const defineStage =
  <Env extends RunContext>(stage: Stage<Env>): StageRunner =>
  (run) =>
    runStage(stage, run);
