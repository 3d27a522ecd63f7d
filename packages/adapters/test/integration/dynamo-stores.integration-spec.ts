import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  describeAttachmentRecordsConformance,
  describeMessageStoreConformance,
  describeRoomStoreConformance,
  describeUserStoreConformance,
  describeSessionStoreConformance,
  makeMessage,
  uniqueId,
} from '@chat/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAttachmentRecords } from '../../src/dynamo/dynamo-attachment-records.js';
import { DynamoMessageStore } from '../../src/dynamo/dynamo-message-store.js';
import { DynamoRoomStore } from '../../src/dynamo/dynamo-room-store.js';
import { DynamoUserStore } from '../../src/dynamo/dynamo-user-store.js';
import { DynamoSessionStore } from '../../src/dynamo/dynamo-session-store.js';
import { MESSAGE_BUCKET_SIZE, ensureTables, tableDefinitions } from '../../src/dynamo/tables.js';
import { startDynalite, type DynaliteServer } from '../support/dynalite.js';

let dynalite: DynaliteServer;
let prefix: string;
beforeAll(async () => {
  dynalite = await startDynalite();
  prefix = dynalite.uniquePrefix();
  await ensureTables(dynalite.client, prefix);
});
afterAll(async () => {
  await dynalite.stop();
});

const noop = () => Promise.resolve();

describeMessageStoreConformance(`${DynamoMessageStore.name} on dynalite`, () =>
  Promise.resolve({ sut: new DynamoMessageStore(dynalite.client, { prefix }), cleanup: noop }),
);

describeRoomStoreConformance(`${DynamoRoomStore.name} on dynalite`, () =>
  Promise.resolve({ sut: new DynamoRoomStore(dynalite.client, { prefix }), cleanup: noop }),
);

// Rooms whose member list takes several query pages, as a room of ~15,000 members does.
describeRoomStoreConformance(`${DynamoRoomStore.name} on dynalite, 2 members per page`, () =>
  Promise.resolve({
    sut: new DynamoRoomStore(dynalite.client, { prefix, memberPageSize: 2 }),
    cleanup: noop,
  }),
);

describeUserStoreConformance(`${DynamoUserStore.name} on dynalite`, () =>
  Promise.resolve({ sut: new DynamoUserStore(dynalite.client, { prefix }), cleanup: noop }),
);

describeSessionStoreConformance(`${DynamoSessionStore.name} on dynalite`, () =>
  Promise.resolve({ sut: new DynamoSessionStore(dynalite.client, { prefix }), cleanup: noop }),
);

describe('ensureTables', () => {
  it('creates every table once and is idempotent', async () => {
    await ensureTables(dynalite.client, prefix);
    const { TableNames = [] } = await dynalite.client.send(new ListTablesCommand({}));
    const expected = tableDefinitions(prefix).map((t) => t.TableName);
    expect(TableNames.filter((n) => n.startsWith(prefix)).sort()).toEqual(expected.sort());
  });
});

describe(`${DynamoMessageStore.name} with a busy room`, () => {
  it('pages across bucket boundaries in every direction', async () => {
    const sut = new DynamoMessageStore(dynalite.client, { prefix });
    const roomId = uniqueId('room');
    const total = 2 * MESSAGE_BUCKET_SIZE + 50;
    const messages = Array.from({ length: total }, (_, i) => makeMessage(roomId, i + 1));
    await sut.putBatch(messages);
    const seqs = async (range: Parameters<DynamoMessageStore['page']>[1]) =>
      (await sut.page(roomId, range)).map((m) => m.seq);
    const run = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

    expect(await seqs({ limit: 100 })).toEqual(run(total - 99, 100));
    expect(await seqs({ before: 105, limit: 10 })).toEqual(run(95, 10));
    expect(await seqs({ before: 200, limit: 100 })).toEqual(run(100, 100));
    expect(await seqs({ after: 95, limit: 10 })).toEqual(run(96, 10));
    expect(await seqs({ after: 99, limit: 100 })).toEqual(run(100, 100));
    expect(await seqs({ after: total - 5, limit: 100 })).toEqual(run(total - 4, 5));
    expect(await seqs({ before: 1_000_000, limit: 3 })).toEqual(run(total - 2, 3));

    // Walking back page by page from the newest covers every message exactly once.
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await sut.page(roomId, { limit: 37, ...(before !== undefined && { before }) });
      if (page.length === 0) break;
      seen.unshift(...page.map((m) => m.seq));
      before = page[0]?.seq;
    }
    expect(seen).toEqual(run(1, total));

    await sut.deleteRoom(roomId);
    expect(await sut.page(roomId, { after: 0, limit: 100 })).toEqual([]);
  });

  it('serves the newest page to every reader when two writers fill buckets in small batches', async () => {
    // Two sink processes share a room's entries; each remembers only the heads it moved.
    const [a, b] = [0, 1].map(() => new DynamoMessageStore(dynalite.client, { prefix }));
    const reader = new DynamoMessageStore(dynalite.client, { prefix });
    const roomId = uniqueId('room');
    const total = 2 * MESSAGE_BUCKET_SIZE + 30;
    for (let seq = 1; seq <= total; seq += 7) {
      const batch = Array.from({ length: Math.min(7, total - seq + 1) }, (_, i) =>
        makeMessage(roomId, seq + i),
      );
      await ((seq - 1) % 14 === 0 ? a : b)?.putBatch(batch);
      const newest = await reader.page(roomId, { limit: 1 });
      expect(newest.map((m) => m.seq)).toEqual([seq + batch.length - 1]);
    }
    const after = await reader.page(roomId, { after: total - 10, limit: 100 });
    expect(after.map((m) => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => total - 9 + i));
  });

  it('keeps large messages whole when a bucket exceeds one 1 MB query page', async () => {
    const sut = new DynamoMessageStore(dynalite.client, { prefix });
    const roomId = uniqueId('room');
    const content = '채'.repeat(4000);
    const messages = Array.from({ length: 100 }, (_, i) => makeMessage(roomId, i + 1, { content }));
    await sut.putBatch(messages);
    const page = await sut.page(roomId, { limit: 100 });
    expect(page.map((m) => m.seq)).toEqual(messages.map((m) => m.seq));
  });
});

describeAttachmentRecordsConformance(`${DynamoAttachmentRecords.name} on dynalite`, () =>
  Promise.resolve({ sut: new DynamoAttachmentRecords(dynalite.client, { prefix }), cleanup: noop }),
);
