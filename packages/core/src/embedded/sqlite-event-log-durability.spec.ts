import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageDraft } from '../ports/event-log.port.js';
import { openDatabase } from './sqlite.js';
import { SqliteEventLog } from './sqlite-event-log.js';
import { openTempDatabase, type TempDatabase } from './temp-database.js';

const draft = (roomId: string): MessageDraft => ({
  id: randomUUID(),
  roomId,
  userId: 'alice',
  content: 'kept',
  kind: 'user',
  createdAt: new Date().toISOString(),
});

describe(`${SqliteEventLog.name} on a shared file`, () => {
  let temp: TempDatabase;
  beforeEach(() => {
    temp = openTempDatabase();
  });
  afterEach(() => temp.remove());

  it('keeps messages, seqs and group positions across a close and reopen', async () => {
    const before = new SqliteEventLog(temp.db);
    await before.groups.ensureGroup('sink');
    const first = await before.appendMessage(draft('r'));
    const [delivered] = await before.groups.read('sink', 'c', 10, 0);
    await before.groups.ack('sink', [delivered?.entryId ?? '']);
    const second = await before.appendMessage(draft('r'));
    await before.close();
    temp.db.close();

    const db = openDatabase(temp.path);
    try {
      const sut = new SqliteEventLog(db);
      expect(await sut.window('r', { limit: 10 })).toEqual([first.message, second.message]);
      expect(await sut.lastSeqs(['r'])).toEqual(new Map([['r', 2]]));
      const entries = await sut.groups.read('sink', 'c', 10, 0);
      expect(entries.map((e) => JSON.parse(e.raw) as unknown)).toEqual([
        expect.objectContaining({ id: second.message.id, payload: second.message }),
      ]);
      expect((await sut.appendMessage(draft('r'))).message.seq).toBe(3);
      await sut.close();
    } finally {
      db.close();
    }
  });

  it('assigns unique seqs when two instances (two connections) append to one room', async () => {
    const other = openDatabase(temp.path);
    try {
      const [a, b] = [new SqliteEventLog(temp.db), new SqliteEventLog(other)];
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? a : b).appendMessage(draft('r'))),
      );
      const seqs = results.map((r) => r.message.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect((await a.window('r', { limit: 100 })).map((m) => m.seq)).toEqual(seqs);
      expect(await b.lastSeqs(['r'])).toEqual(new Map([['r', 40]]));
    } finally {
      other.close();
    }
  });

  it('shares group positions so each entry goes to one of two instances', async () => {
    const other = openDatabase(temp.path);
    try {
      const [a, b] = [new SqliteEventLog(temp.db), new SqliteEventLog(other)];
      await a.groups.ensureGroup('sink');
      for (let i = 0; i < 6; i++) await a.appendMessage(draft('r'));
      const fromA = await a.groups.read('sink', 'ca', 3, 0);
      const fromB = await b.groups.read('sink', 'cb', 10, 0);
      const ids = [...fromA, ...fromB].map((e) => e.entryId);
      expect([fromA.length, fromB.length]).toEqual([3, 3]);
      expect(new Set(ids).size).toBe(6);
      expect(await b.groups.stats('sink')).toEqual({ lag: 0, pending: 6, deadLetters: 0 });
    } finally {
      other.close();
    }
  });

  it('wakes a blocked read on another instance when an entry is appended', async () => {
    const other = openDatabase(temp.path);
    try {
      const [writer, reader] = [new SqliteEventLog(temp.db), new SqliteEventLog(other)];
      await reader.groups.ensureGroup('sink');
      const reading = reader.groups.read('sink', 'c', 10, 10_000);
      const { message } = await writer.appendMessage(draft('r'));
      const entries = await reading;
      expect(entries.map((e) => (JSON.parse(e.raw) as { id: string }).id)).toEqual([message.id]);
    } finally {
      other.close();
    }
  });
});
