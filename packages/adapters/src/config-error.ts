import type { z } from 'zod';

/** Start-up configuration that does not parse: every problem, listed at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The environment without unset or empty variables (an empty value means "use the default"). */
export const definedEnv = (env: NodeJS.ProcessEnv): Record<string, string> =>
  Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );

/** One line per schema issue: `VARIABLE: what is wrong`. */
export const configIssues = (error: z.ZodError | undefined): string[] =>
  (error?.issues ?? []).map((issue) => `${issue.path.join('.') || 'env'}: ${issue.message}`);
