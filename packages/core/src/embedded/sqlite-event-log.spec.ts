import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  describeConsumerGroupsConformance,
  describeEventLogConformance,
} from '../conformance/index.js';
import type { MessageDraft } from '../ports/event-log.port.js';
import { SqliteEventLog } from './sqlite-event-log.js';
import { openTempDatabase, tempFactory, type TempDatabase } from './temp-database.js';

describeEventLogConformance(
  SqliteEventLog.name,
  tempFactory((db) => new SqliteEventLog(db)),
);

describeConsumerGroupsConformance(`${SqliteEventLog.name}.groups`, () => {
  const temp = openTempDatabase();
  const log = new SqliteEventLog(temp.db);
  return Promise.resolve({
    sut: { log, groups: log.groups },
    cleanup: async () => {
      await log.groups.close();
      await log.close();
      temp.remove();
    },
  });
});

const draft = (roomId: string, clientMsgId?: string): MessageDraft => ({
  id: randomUUID(),
  roomId,
  userId: 'alice',
  content: 'hi',
  kind: 'user',
  createdAt: new Date().toISOString(),
  ...(clientMsgId !== undefined && { clientMsgId }),
});

describe(`${SqliteEventLog.name} trimming`, () => {
  let temp: TempDatabase;
  let clock: number;
  let sut: SqliteEventLog;
  beforeEach(() => {
    temp = openTempDatabase();
    clock = Date.UTC(2030, 0, 1);
    sut = new SqliteEventLog(temp.db, { now: () => clock });
  });
  afterEach(async () => {
    await sut.close();
    temp.remove();
  });

  it('trims nothing while no group exists', async () => {
    await sut.appendMessage(draft('r'));
    expect(await sut.groups.trim()).toBe(0);
  });

  it('trims entries every group acked, keeps pending ones and the window after them', async () => {
    await sut.groups.ensureGroup('a');
    await sut.groups.ensureGroup('b');
    for (let i = 0; i < 4; i++) await sut.appendMessage(draft('r'));
    const a = await sut.groups.read('a', 'c', 10, 0);
    await sut.groups.ack(
      'a',
      a.map((e) => e.entryId),
    );
    const b = await sut.groups.read('b', 'c', 10, 0);
    await sut.groups.ack('b', [b[0]?.entryId ?? '', b[1]?.entryId ?? '', b[3]?.entryId ?? '']);
    expect(await sut.groups.trim()).toBe(2);
    expect((await sut.window('r', { limit: 10 })).map((m) => m.seq)).toEqual([3, 4]);
    expect((await sut.groups.claim('b', 'c2', 0, 10)).map((e) => e.entryId)).toEqual([
      b[2]?.entryId,
    ]);
    expect((await sut.appendMessage(draft('r'))).message.seq).toBe(5);
  });

  it('remembers a clientMsgId for 24 h and forgets it on a trim after that', async () => {
    const first = await sut.appendMessage(draft('r', 'c1'));
    clock += 24 * 3_600_000 - 1;
    await sut.groups.trim();
    expect(await sut.appendMessage(draft('r', 'c1'))).toEqual({ ...first, duplicate: true });
    clock += 2;
    await sut.groups.trim();
    expect(await sut.appendMessage(draft('r', 'c1'))).toMatchObject({
      duplicate: false,
      message: { seq: 2 },
    });
  });

  it('rejects a read from a group that was never created', async () => {
    await expect(sut.groups.read('missing', 'c', 1, 0)).rejects.toThrow(/does not exist/);
  });
});
