import type { DynamoMessageStore } from '@chat/adapters';
import { pool } from '../stats.js';
import type { StorageCheck } from './results.js';

/** Reads every stored message of the long-lived rooms and looks for each acked one. */
export async function checkStorage(
  store: DynamoMessageStore,
  roomIds: readonly string[],
  acked: ReadonlyMap<number, number[]>,
  churnAcked: number,
): Promise<Omit<StorageCheck, 'sinkDrainMs'>> {
  const started = performance.now();
  let ackedCount = 0;
  let stored = 0;
  let storedTwice = 0;
  let churnStored = 0;
  let churnStoredTwice = 0;
  await pool([...roomIds.entries()], 4, async ([r, roomId]) => {
    const baseSeqs = new Set<number>();
    const baseKeys = new Map<string, number>();
    const churnKeys = new Map<string, number>();
    for (let after = 0; ;) {
      const page = await store.page(roomId, { after, limit: 100 });
      for (const m of page) {
        // `b <step> <k> …` from the base load, `c <session> <m> …` from the churn.
        const [kind, a, b] = m.content.split(' ', 3);
        const key = `${a} ${b}`;
        if (kind === 'b') {
          baseSeqs.add(m.seq);
          baseKeys.set(key, (baseKeys.get(key) ?? 0) + 1);
        } else if (kind === 'c') churnKeys.set(key, (churnKeys.get(key) ?? 0) + 1);
      }
      const last = page.at(-1);
      if (!last || page.length < 100) break;
      after = last.seq;
    }
    const seqs = acked.get(r) ?? [];
    ackedCount += seqs.length;
    stored += seqs.filter((seq) => baseSeqs.has(seq)).length;
    for (const n of baseKeys.values()) storedTwice += n - 1;
    churnStored += churnKeys.size;
    for (const n of churnKeys.values()) churnStoredTwice += n - 1;
  });
  return {
    acked: ackedCount,
    stored,
    missing: ackedCount - stored,
    storedTwice,
    churnAcked,
    churnStored,
    churnStoredTwice,
    readMs: performance.now() - started,
  };
}
