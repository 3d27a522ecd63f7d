import { ConsumerGroups, type GroupStats, type LogEntry } from '@chat/core';
import { Cluster, type Redis } from 'ioredis';
import { asArray, asNumber, asString, type RedisClient } from './lua-script.js';
import type { StreamLogLayout } from './stream-log-layout.js';
import { CLAIM, DEAD_LETTER, SAFE_TRIM } from './stream-log-scripts.js';
import {
  findGroup,
  isBusyGroup,
  isNoSuchKey,
  parseClaimReply,
  parseReadReply,
} from './stream-replies.js';

/** An entry some consumer group gave up on, as kept in a shard's dead-letter stream. */
export interface DeadLetter {
  group: string;
  entryId: string;
  raw: string;
  reason: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The consumer side of {@link RedisStreamsEventLog}: one consumer group per shard stream, read
 * as one. `read` scans the shards in rotating order (fairness) and never takes more than
 * `count` entries, so nothing is left delivered-but-unreturned. When nothing is waiting it
 * blocks on a dedicated connection — standalone: XREAD BLOCK on every shard from the group's
 * last-delivered id, which wakes on a new entry without consuming it — or, on a cluster
 * (shards in different slots, so no one command can watch them all), polls every
 * `clusterPollMs`. Entry ids name their shard: `<shard>:<stream id>`.
 */
export class StreamConsumerGroups extends ConsumerGroups {
  private readonly idleBlockers: Redis[] = [];
  private readonly blockers = new Set<Redis>();
  private nextShard = 0;
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    private readonly layout: StreamLogLayout,
    private readonly clusterPollMs: number,
  ) {
    super();
  }

  async ensureGroup(group: string): Promise<void> {
    await Promise.all(
      this.layout.allShards().map(async (shard) => {
        try {
          await this.client.call('XGROUP', [
            'CREATE',
            this.layout.stream(shard),
            group,
            '0',
            'MKSTREAM',
          ]);
        } catch (error) {
          if (!isBusyGroup(error)) throw error;
        }
      }),
    );
  }

  async read(group: string, consumer: string, count: number, blockMs: number): Promise<LogEntry[]> {
    const deadline = Date.now() + blockMs;
    for (;;) {
      const entries = await this.scan(group, consumer, count);
      const left = deadline - Date.now();
      if (entries.length > 0 || left <= 0 || this.closed) return entries;
      try {
        await this.waitForNew(group, left);
      } catch (error) {
        // `close` disconnects a blocked wait; the read then ends empty instead of failing.
        if (!this.closed) throw error;
        return [];
      }
    }
  }

  /** Non-blocking XREADGROUP over the shards, starting at a rotating shard, up to `count`. */
  private async scan(group: string, consumer: string, count: number): Promise<LogEntry[]> {
    const out: LogEntry[] = [];
    const start = this.nextShard;
    this.nextShard = (this.nextShard + 1) % this.layout.shards;
    for (let i = 0; i < this.layout.shards && out.length < count; i++) {
      const shard = (start + i) % this.layout.shards;
      const reply = await this.client.call('XREADGROUP', [
        'GROUP',
        group,
        consumer,
        'COUNT',
        String(count - out.length),
        'STREAMS',
        this.layout.stream(shard),
        '>',
      ]);
      for (const { streamId, raw } of parseReadReply(reply)) {
        out.push({ entryId: this.layout.entryId(shard, streamId), raw, deliveries: 1 });
      }
    }
    return out;
  }

  private async waitForNew(group: string, ms: number): Promise<void> {
    if (this.client instanceof Cluster) {
      // Shards live in different slots, so no single blocking command can watch them all.
      await sleep(Math.min(ms, this.clusterPollMs));
      return;
    }
    const shards = this.layout.allShards();
    const infos = await Promise.all(
      shards.map((s) => this.client.call('XINFO', ['GROUPS', this.layout.stream(s)])),
    );
    const ids = infos.map((info) => findGroup(info, group)?.lastDeliveredId ?? '$');
    const blocker = this.acquireBlocker(this.client);
    try {
      const keys = shards.map((s) => this.layout.stream(s));
      await blocker.call('XREAD', [
        'COUNT',
        '1',
        'BLOCK',
        String(Math.max(1, ms)),
        'STREAMS',
        ...keys,
        ...ids,
      ]);
    } finally {
      this.releaseBlocker(blocker);
    }
  }

  private acquireBlocker(client: Redis): Redis {
    const blocker = this.idleBlockers.pop() ?? client.duplicate();
    this.blockers.add(blocker);
    return blocker;
  }

  private releaseBlocker(blocker: Redis): void {
    if (this.closed) return;
    this.idleBlockers.push(blocker);
  }

  async claim(
    group: string,
    consumer: string,
    minIdleMs: number,
    count: number,
  ): Promise<LogEntry[]> {
    const out: LogEntry[] = [];
    for (const shard of this.layout.allShards()) {
      if (out.length >= count) break;
      const reply = await CLAIM.run(
        this.client,
        [this.layout.stream(shard)],
        [group, consumer, minIdleMs, count - out.length],
      );
      for (const e of parseClaimReply(reply)) {
        out.push({
          entryId: this.layout.entryId(shard, e.streamId),
          raw: e.raw,
          deliveries: e.deliveries,
        });
      }
    }
    return out;
  }

  async ack(group: string, entryIds: readonly string[]): Promise<void> {
    const byShard = new Map<number, string[]>();
    for (const entryId of entryIds) {
      const { shard, streamId } = this.layout.parseEntryId(entryId);
      byShard.set(shard, [...(byShard.get(shard) ?? []), streamId]);
    }
    await Promise.all(
      [...byShard].map(([shard, ids]) =>
        this.client.xack(this.layout.stream(shard), group, ...ids),
      ),
    );
  }

  async deadLetter(group: string, entry: LogEntry, reason: string): Promise<void> {
    const { shard, streamId } = this.layout.parseEntryId(entry.entryId);
    await DEAD_LETTER.run(
      this.client,
      [
        this.layout.stream(shard),
        this.layout.deadLetters(shard),
        this.layout.deadLetterCounts(shard),
      ],
      [group, streamId, entry.raw, reason, entry.deliveries, new Date().toISOString()],
    );
  }

  async stats(group: string): Promise<GroupStats> {
    const perShard = await Promise.all(
      this.layout.allShards().map((s) => this.shardStats(group, s)),
    );
    return perShard.reduce(
      (sum, s) => ({
        lag: sum.lag + s.lag,
        pending: sum.pending + s.pending,
        deadLetters: sum.deadLetters + s.deadLetters,
      }),
      { lag: 0, pending: 0, deadLetters: 0 },
    );
  }

  private async shardStats(group: string, shard: number): Promise<GroupStats> {
    const stream = this.layout.stream(shard);
    const dead = Number((await this.client.hget(this.layout.deadLetterCounts(shard), group)) ?? 0);
    let reply: unknown;
    try {
      reply = await this.client.call('XINFO', ['GROUPS', stream]);
    } catch (error) {
      if (isNoSuchKey(error)) return { lag: 0, pending: 0, deadLetters: dead };
      throw error;
    }
    const info = findGroup(reply, group);
    if (!info) return { lag: 0, pending: 0, deadLetters: dead };
    const lag = info.lag ?? (await this.countAfter(stream, info.lastDeliveredId));
    return { lag, pending: info.pending, deadLetters: dead };
  }

  /** Counts entries after `id` — only when XINFO cannot tell the lag (after XDEL). */
  private async countAfter(stream: string, id: string): Promise<number> {
    let total = 0;
    let from = `(${id}`;
    for (;;) {
      const page = asArray(
        await this.client.call('XRANGE', [stream, from, '+', 'COUNT', '1000']),
        'XRANGE',
      );
      total += page.length;
      const last = page.at(-1);
      if (page.length < 1000 || last === undefined) return total;
      from = `(${asString(asArray(last, 'XRANGE')[0], 'XRANGE')}`;
    }
  }

  async trim(): Promise<number> {
    const removed = await Promise.all(
      this.layout
        .allShards()
        .map(async (s) =>
          asNumber(await SAFE_TRIM.run(this.client, [this.layout.stream(s)], []), 'XTRIM'),
        ),
    );
    return removed.reduce((a, b) => a + b, 0);
  }

  /** Up to `count` dead-lettered entries, newest first within each shard (operators, tests). */
  async deadLetters(count: number): Promise<DeadLetter[]> {
    const out: DeadLetter[] = [];
    for (const shard of this.layout.allShards()) {
      const page = asArray(
        await this.client.call('XREVRANGE', [
          this.layout.deadLetters(shard),
          '+',
          '-',
          'COUNT',
          String(count),
        ]),
        'XREVRANGE',
      );
      for (const row of page) {
        const fields = asArray(asArray(row, 'dlq')[1], 'dlq').map((f) => asString(f, 'dlq'));
        const get = (name: string) => fields[fields.indexOf(name) + 1] ?? '';
        out.push({
          group: get('group'),
          entryId: `${shard}:${get('entry')}`,
          raw: get('raw'),
          reason: get('reason'),
        });
      }
    }
    return out.slice(0, count);
  }

  /** Drops the blocking connections this object opened; the caller's client stays open. */
  close(): Promise<void> {
    this.closed = true;
    this.idleBlockers.length = 0;
    for (const blocker of this.blockers) blocker.disconnect();
    this.blockers.clear();
    return Promise.resolve();
  }
}
