import type { Distribution } from './generator/protocol.js';

export const EMPTY_DISTRIBUTION: Distribution = {
  count: 0,
  p50: 0,
  p90: 0,
  p99: 0,
  max: 0,
  mean: 0,
};

/** Nearest-rank percentiles (sorts `values` in place when it is a typed array). */
export function distribution(values: Float64Array | number[]): Distribution {
  const sorted = values instanceof Float64Array ? values.sort() : Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { ...EMPTY_DISTRIBUTION };
  const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] ?? 0;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: n,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted[n - 1] ?? 0,
    mean: sum / n,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Epoch milliseconds with sub-millisecond resolution, comparable across processes. */
export const epochNow = () => performance.timeOrigin + performance.now();

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from(
    { length: Math.max(1, Math.min(concurrency, items.length)) },
    async () => {
      for (let i = next++; i < items.length; i = next++) {
        await work(items[i] as T, i);
      }
    },
  );
  await Promise.all(lanes);
}
