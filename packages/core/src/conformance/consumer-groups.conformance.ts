import { pollUntil } from '@chat/test-support/poll';
import {
  decodeEnvelope,
  messageEnvelope,
  roomDeletedEnvelope,
  systemEventContent,
  type SystemMessageEvent,
} from '@chat/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsumerGroups, LogEntry } from '../ports/consumer-groups.port.js';
import type { EventLog } from '../ports/event-log.port.js';
import { draft } from './event-log.conformance.js';
import { sleep, uniqueId, type ConformanceFactory } from './harness.js';

/** The envelope id of an entry (the message id for messages), or undefined for poison. */
const idOf = (entry: LogEntry): string | undefined => {
  const decoded = decodeEnvelope(entry.raw);
  return decoded.ok ? decoded.envelope.id : undefined;
};

/**
 * The ConsumerGroups guarantees (ports/consumer-groups.port.ts) as the sinks depend on them:
 * delivery to each group, pending until acked, claims, dead letters, stats and safe trimming,
 * over entries appended through the log they read.
 */
export function describeConsumerGroupsConformance(
  name: string,
  factory: ConformanceFactory<{ log: EventLog; groups: ConsumerGroups }>,
): void {
  describe(name, () => {
    let log!: EventLog;
    let sut!: ConsumerGroups;
    let cleanup!: () => Promise<void>;
    beforeAll(async () => {
      let both: { log: EventLog; groups: ConsumerGroups };
      ({ sut: both, cleanup } = await factory());
      ({ log, groups: sut } = both);
    });
    afterAll(() => cleanup());

    const appendAll = async (roomId: string, n: number): Promise<string[]> => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push((await log.appendMessage(draft(roomId))).message.id);
      return ids;
    };
    /** Creates a group and consumes (and acks) everything already in the log. */
    const freshGroup = async (): Promise<string> => {
      const group = uniqueId('group');
      await sut.ensureGroup(group);
      for (;;) {
        const entries = await sut.read(group, 'drainer', 1000, 0);
        if (entries.length === 0) return group;
        await sut.ack(
          group,
          entries.map((e) => e.entryId),
        );
      }
    };
    /** Reads as `consumer` until every id in `ids` arrived; returns the entries carrying them. */
    const readIds = async (group: string, consumer: string, ids: readonly string[]) => {
      const wanted = new Set(ids);
      const got: LogEntry[] = [];
      await pollUntil(
        async () => {
          for (const e of await sut.read(group, consumer, 1000, 0)) {
            const id = idOf(e);
            if (id !== undefined && wanted.has(id)) got.push(e);
          }
          return got.length;
        },
        (n) => n >= wanted.size,
      );
      return got;
    };

    it('holds each message as the envelope the contracts build, seq included', async () => {
      const group = await freshGroup();
      const { message } = await log.appendMessage(
        draft(uniqueId('room'), { clientMsgId: 'c9', content: 'say "seq":1 and \\ and 채팅' }),
      );
      const [entry] = await readIds(group, 'c1', [message.id]);
      expect(entry?.raw).toBe(JSON.stringify(messageEnvelope(message)));
    });

    it('holds a system message’s event in its envelope, as the sinks decode it', async () => {
      const group = await freshGroup();
      const event: SystemMessageEvent = {
        type: 'invited',
        actorId: 'alice',
        targetIds: ['bob', '캐럴'],
      };
      const { message } = await log.appendMessage(
        draft(uniqueId('room'), { kind: 'system', content: systemEventContent(event), event }),
      );
      const [entry] = await readIds(group, 'c1', [message.id]);
      expect(entry?.raw).toBe(JSON.stringify(messageEnvelope(message)));
      const decoded = decodeEnvelope(entry?.raw ?? '');
      expect(decoded).toMatchObject({ ok: true, envelope: { payload: { event } } });
    });

    it('appends no entry for a retried clientMsgId', async () => {
      const roomId = uniqueId('room');
      await log.appendMessage(draft(roomId, { clientMsgId: 'c1' }));
      const group = await freshGroup();
      await log.appendMessage(draft(roomId, { clientMsgId: 'c1', content: 'other' }));
      expect(await sut.read(group, 'c1', 10, 0)).toEqual([]);
    });

    it('delivers every entry once to a group and keeps it pending until acked', async () => {
      const group = await freshGroup();
      const ids = await appendAll(uniqueId('room'), 5);
      const got = await readIds(group, 'c1', ids);
      expect(got.map(idOf)).toEqual(ids);
      expect(got.every((e) => e.deliveries === 1)).toBe(true);
      expect(await sut.read(group, 'c1', 100, 0)).toEqual([]);
      expect((await sut.stats(group)).pending).toBe(5);
      await sut.ack(
        group,
        got.map((e) => e.entryId),
      );
      expect(await sut.stats(group)).toMatchObject({ lag: 0, pending: 0 });
    });

    it('delivers a non-message event appended with appendEvent', async () => {
      const group = await freshGroup();
      const roomId = uniqueId('room');
      const envelope = roomDeletedEnvelope(roomId, uniqueId('evt'), new Date().toISOString());
      const entryId = await log.appendEvent(envelope);
      const [entry] = await readIds(group, 'c1', [envelope.id]);
      expect(entry?.entryId).toBe(entryId);
      expect(entry && JSON.parse(entry.raw)).toEqual(envelope);
    });

    it('lets another consumer claim entries idle at least minIdleMs', async () => {
      const group = await freshGroup();
      const ids = await appendAll(uniqueId('room'), 2);
      await readIds(group, 'c1', ids);
      const early = await sut.claim(group, 'c2', 60_000, 100);
      expect(early.filter((e) => ids.includes(idOf(e) ?? ''))).toEqual([]);
      const claimed = new Map<string, LogEntry>();
      await pollUntil(
        async () => {
          for (const e of await sut.claim(group, 'c2', 50, 100)) claimed.set(idOf(e) ?? '', e);
          return claimed.size;
        },
        (n) => n >= 2,
      );
      expect(ids.map((id) => claimed.get(id)?.deliveries)).toEqual([2, 2]);
      const again = await pollUntil(
        () => sut.claim(group, 'c3', 50, 1),
        (entries) => entries.length > 0,
      );
      expect(again.map((e) => [idOf(e), e.deliveries])).toEqual([[ids[0], 3]]);
      await sut.ack(
        group,
        [...claimed.values()].map((e) => e.entryId),
      );
      expect((await sut.stats(group)).pending).toBe(0);
      expect(await sut.claim(group, 'c3', 0, 100)).toEqual([]);
    });

    it('delivers every entry to each of two groups', async () => {
      const [g1, g2] = [await freshGroup(), await freshGroup()];
      const ids = await appendAll(uniqueId('room'), 3);
      expect((await readIds(g1, 'c', ids)).map(idOf)).toEqual(ids);
      expect((await readIds(g2, 'c', ids)).map(idOf)).toEqual(ids);
    });

    it('acks and counts an entry moved to the dead letters', async () => {
      const group = await freshGroup();
      const [entry] = await readIds(group, 'c1', await appendAll(uniqueId('room'), 1));
      if (!entry) throw new Error('no entry');
      await sut.deadLetter(group, entry, 'poison');
      expect(await sut.stats(group)).toEqual({ lag: 0, pending: 0, deadLetters: 1 });
      expect(await sut.claim(group, 'c2', 0, 100)).toEqual([]);
    });

    it('reports lag and pending per group', async () => {
      const group = await freshGroup();
      await appendAll(uniqueId('room'), 3);
      expect(await sut.stats(group)).toEqual({ lag: 3, pending: 0, deadLetters: 0 });
      const two = await sut.read(group, 'c1', 2, 0);
      expect(two).toHaveLength(2);
      expect(await sut.stats(group)).toMatchObject({ lag: 1, pending: 2 });
      await sut.ack(group, [two[0]?.entryId ?? '']);
      expect(await sut.stats(group)).toMatchObject({ lag: 1, pending: 1 });
    });

    it('never trims entries a group has not acknowledged', async () => {
      const group = uniqueId('group');
      await sut.ensureGroup(group);
      const ids = await appendAll(uniqueId('room'), 3);
      await sut.trim();
      expect((await readIds(group, 'c1', ids)).map(idOf)).toEqual(ids);
      const pending = await freshGroup();
      const [acking, lagging] = [await freshGroup(), await freshGroup()];
      const more = await appendAll(uniqueId('room'), 2);
      const got = await readIds(acking, 'c', more);
      await sut.ack(
        acking,
        got.map((e) => e.entryId),
      );
      await readIds(pending, 'c', more);
      await sut.trim();
      expect((await readIds(lagging, 'c', more)).map(idOf)).toEqual(more);
      expect(await sut.claim(pending, 'c2', 0, 100)).toHaveLength(2);
    });

    it('wakes a blocked read when an entry is appended', async () => {
      const group = await freshGroup();
      const started = Date.now();
      const reading = sut.read(group, 'c1', 10, 10_000);
      await sleep(100);
      const { message } = await log.appendMessage(draft(uniqueId('room')));
      const entries = await reading;
      expect(entries.map(idOf)).toEqual([message.id]);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('returns nothing from a blocked read when nothing arrives', async () => {
      const group = await freshGroup();
      expect(await sut.read(group, 'c1', 10, 100)).toEqual([]);
    });

    it('keeps a group position when ensureGroup is called again', async () => {
      const group = await freshGroup();
      await sut.ensureGroup(group);
      expect(await sut.read(group, 'c1', 10, 0)).toEqual([]);
      expect(await sut.stats(group)).toMatchObject({ lag: 0, pending: 0 });
    });
  });
}
