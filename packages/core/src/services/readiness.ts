/** A dependency readiness pings: a store, the log, the index. */
export interface DependencyCheck {
  name: string;
  ping: () => Promise<void>;
}

export interface FailedCheck {
  name: string;
  error: string;
}

/**
 * Pings every dependency at once, each with `timeoutMs`; returns those that failed or did not
 * answer in time (none: ready).
 */
export async function failingChecks(
  checks: readonly DependencyCheck[],
  timeoutMs = 2000,
): Promise<FailedCheck[]> {
  const results = await Promise.all(
    checks.map(async ({ name, ping }): Promise<FailedCheck | undefined> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([ping(), timeout]);
        return undefined;
      } catch (error) {
        return { name, error: error instanceof Error ? error.message : String(error) };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return results.filter((r) => r !== undefined);
}
