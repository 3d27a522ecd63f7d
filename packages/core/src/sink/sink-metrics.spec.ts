import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteEventLog } from '../embedded/sqlite-event-log.js';
import { openTempDatabase, type TempDatabase } from '../embedded/temp-database.js';
import type { ConsumerGroups } from '../ports/index.js';
import { registerSinkMetrics } from './sink-metrics.js';

describe('registerSinkMetrics', () => {
  let temp: TempDatabase | undefined;
  afterEach(() => temp?.remove());

  it('reads each group’s stats once per scrape for its three gauges', async () => {
    temp = openTempDatabase();
    const log = new SqliteEventLog(temp.db);
    for (const group of ['store', 'search']) await log.groups.ensureGroup(group);
    const calls: string[] = [];
    const counted = new Proxy(log.groups, {
      get(target, property, receiver) {
        if (property === 'stats') {
          return (group: string) => {
            calls.push(group);
            return target.stats(group);
          };
        }
        return Reflect.get(target, property, receiver) as unknown;
      },
    }) as ConsumerGroups;
    const registry = new Registry();
    registerSinkMetrics(registry, counted, ['store', 'search'], { warn: () => undefined });

    const text = await registry.metrics();
    for (const name of ['chat_sink_lag', 'chat_sink_pending', 'chat_sink_dead_letters']) {
      expect(text).toMatch(new RegExp(`^${name}\\{sink="store"\\} 0$`, 'm'));
      expect(text).toMatch(new RegExp(`^${name}\\{sink="search"\\} 0$`, 'm'));
    }
    expect(calls.sort()).toEqual(['search', 'store']);

    await registry.metrics();
    expect(calls).toHaveLength(4);
    await log.close();
  });
});
