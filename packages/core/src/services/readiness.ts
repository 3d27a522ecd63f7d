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

/** A health endpoint's answer: its HTTP status and JSON body. */
export interface CheckAnswer {
  httpStatus: 200 | 503;
  body: { status: string } | { code: 'UNAVAILABLE'; message: string; failing: string[] };
}

/**
 * The answer of a readiness endpoint (`/ready`, `/serving`) over `checks`: 200 with
 * `{ status }` when every one answers, else 503 `UNAVAILABLE` naming the failing ones.
 */
export async function answerChecks(
  checks: readonly DependencyCheck[],
  status: string,
): Promise<CheckAnswer> {
  const failing = await failingChecks(checks);
  if (failing.length === 0) return { httpStatus: 200, body: { status } };
  return {
    httpStatus: 503,
    body: {
      code: 'UNAVAILABLE',
      message: failing.map((f) => `${f.name}: ${f.error}`).join('; '),
      failing: failing.map((f) => f.name),
    },
  };
}
