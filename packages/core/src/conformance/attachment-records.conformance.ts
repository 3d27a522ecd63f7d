import { ChatError } from '@chat/contracts';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttachmentRecord, AttachmentRecords } from '../ports/attachment-records.port.js';
import { uniqueId, type ConformanceFactory } from './harness.js';

const keyOf = (seed: string) => createHash('sha256').update(seed).digest('hex');

/** An unattached record of `roomId` by `uploaderId`; every optional field set. */
export function makeAttachmentRecord(
  roomId: string,
  overrides: Partial<AttachmentRecord> = {},
): AttachmentRecord {
  const id = uniqueId('att');
  return {
    id,
    roomId,
    uploaderId: 'conformance-user',
    name: 'photo 사진.png',
    type: 'image/png',
    size: 1234,
    width: 640,
    height: 480,
    blobKey: keyOf(id),
    thumbnailKey: keyOf(`${id}-thumbnail`),
    createdAt: new Date(Date.UTC(2030, 0, 1)).toISOString(),
    messageId: null,
    ...overrides,
  };
}

/**
 * The AttachmentRecords guarantees: unique ids, all-or-nothing attach, orphans by age,
 * blob references, idempotent deletes.
 */
export function describeAttachmentRecordsConformance(
  name: string,
  factory: ConformanceFactory<AttachmentRecords>,
): void {
  describe(name, () => {
    let sut!: AttachmentRecords;
    let cleanup!: () => Promise<void>;
    beforeAll(async () => ({ sut, cleanup } = await factory()));
    afterAll(() => cleanup());

    const insertAll = async (records: AttachmentRecord[]) => {
      for (const record of records) await sut.insert(record);
      return records;
    };

    it('returns a record with every field intact, and omits the unset ones', async () => {
      const roomId = uniqueId('room');
      const image = makeAttachmentRecord(roomId);
      const {
        width: _w,
        height: _h,
        thumbnailKey: _t,
        ...file
      } = makeAttachmentRecord(roomId, {
        name: 'report.pdf',
        type: 'application/pdf',
      });
      await insertAll([image, file]);
      expect(await sut.get(image.id)).toEqual(image);
      expect(await sut.get(file.id)).toEqual(file);
      expect(await sut.get(uniqueId('att'))).toBeUndefined();
      expect(
        (await sut.getMany([file.id, image.id, uniqueId('att')])).sort((a, b) =>
          a.id.localeCompare(b.id),
        ),
      ).toEqual([image, file].sort((a, b) => a.id.localeCompare(b.id)));
    });

    it('refuses a second record with the same id and keeps the first', async () => {
      const first = makeAttachmentRecord(uniqueId('room'));
      await sut.insert(first);
      const again = sut.insert({ ...first, name: 'other.png' });
      await expect(again).rejects.toBeInstanceOf(ChatError);
      await expect(again).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await sut.get(first.id)).toEqual(first);
    });

    it('attaches all of a message or none', async () => {
      const roomId = uniqueId('room');
      const [a, b] = await insertAll([makeAttachmentRecord(roomId), makeAttachmentRecord(roomId)]);
      const [theirs, elsewhere] = await insertAll([
        makeAttachmentRecord(roomId, { uploaderId: 'someone-else' }),
        makeAttachmentRecord(uniqueId('room')),
      ]);
      const owner = { roomId, uploaderId: 'conformance-user', messageId: uniqueId('msg') };
      const ids = (...records: (AttachmentRecord | undefined)[]) => records.map((r) => r?.id ?? '');

      expect(await sut.attach(ids(a, theirs), owner)).toBe(false);
      expect(await sut.attach(ids(a, elsewhere), owner)).toBe(false);
      expect(await sut.attach([...ids(a), uniqueId('att')], owner)).toBe(false);
      expect((await sut.getMany(ids(a, b))).map((r) => r.messageId)).toEqual([null, null]);

      expect(await sut.attach(ids(a, b), owner)).toBe(true);
      expect(await sut.attach(ids(a, b), owner)).toBe(true);
      expect(await sut.attach(ids(a), { ...owner, messageId: uniqueId('msg') })).toBe(false);
      expect((await sut.ofMessage(owner.messageId)).map((r) => r.id).sort()).toEqual(
        ids(a, b).sort(),
      );
      expect((await sut.get(a?.id ?? ''))?.messageId).toBe(owner.messageId);
    });

    it('lists the records of a room', async () => {
      const roomId = uniqueId('room');
      const mine = await insertAll([makeAttachmentRecord(roomId), makeAttachmentRecord(roomId)]);
      await sut.insert(makeAttachmentRecord(uniqueId('room')));
      expect((await sut.ofRoom(roomId)).map((r) => r.id).sort()).toEqual(
        mine.map((r) => r.id).sort(),
      );
      expect(await sut.ofRoom(uniqueId('room'))).toEqual([]);
    });

    it('lists unattached records older than a time, oldest first, up to a limit', async () => {
      const roomId = uniqueId('room');
      const at = (minute: number) => new Date(Date.UTC(1971, 0, 1, 0, minute)).toISOString();
      const [old1, old2, old3, attached] = await insertAll([
        makeAttachmentRecord(roomId, { createdAt: at(3) }),
        makeAttachmentRecord(roomId, { createdAt: at(1) }),
        makeAttachmentRecord(roomId, { createdAt: at(2) }),
        makeAttachmentRecord(roomId, { createdAt: at(0) }),
      ]);
      await insertAll([makeAttachmentRecord(roomId, { createdAt: at(30) })]);
      await sut.attach([attached?.id ?? ''], {
        roomId,
        uploaderId: 'conformance-user',
        messageId: uniqueId('msg'),
      });
      const cutoff = at(10);
      expect((await sut.orphans(cutoff, 100)).map((r) => r.id)).toEqual(
        [old2, old3, old1].map((r) => r?.id),
      );
      expect((await sut.orphans(cutoff, 2)).map((r) => r.id)).toEqual(
        [old2, old3].map((r) => r?.id),
      );
    });

    it('tells which blob keys a record still uses, as bytes or thumbnail', async () => {
      const record = await insertAll([makeAttachmentRecord(uniqueId('room'))]);
      const [r] = record;
      const unused = keyOf(uniqueId('unused'));
      expect(await sut.referenced([r?.blobKey ?? '', r?.thumbnailKey ?? '', unused])).toEqual(
        new Set([r?.blobKey, r?.thumbnailKey]),
      );
      await sut.delete([r?.id ?? '']);
      await sut.delete([r?.id ?? '', uniqueId('att')]);
      expect(await sut.get(r?.id ?? '')).toBeUndefined();
      expect(await sut.referenced([r?.blobKey ?? '', r?.thumbnailKey ?? ''])).toEqual(new Set());
    });

    it('keeps a blob referenced while another record shares it', async () => {
      const roomId = uniqueId('room');
      const shared = keyOf(uniqueId('shared'));
      const [a, b] = await insertAll([
        makeAttachmentRecord(roomId, { blobKey: shared }),
        makeAttachmentRecord(uniqueId('room'), { blobKey: shared }),
      ]);
      await sut.delete([a?.id ?? '']);
      expect(await sut.referenced([shared])).toEqual(new Set([shared]));
      await sut.delete([b?.id ?? '']);
      expect(await sut.referenced([shared])).toEqual(new Set());
    });

    it('answers ping', async () => {
      await expect(sut.ping()).resolves.toBeUndefined();
    });
  });
}
