import { ChatError } from '@chat/contracts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunked } from '../conformance/attachment-store.conformance.js';
import { DiskAttachmentStore } from '../embedded/disk-attachment-store.js';
import { SqliteAttachmentRecords } from '../embedded/sqlite-attachment-records.js';
import { SqliteRoomStore } from '../embedded/sqlite-room-store.js';
import { openTempDatabase, type TempDatabase } from '../embedded/temp-database.js';
import { AttachmentService } from './attachment.service.js';

const HOUR = 60 * 60 * 1000;

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();

describe(AttachmentService.name, () => {
  let temp: TempDatabase;
  let root: string;
  let now: Date;
  let store: DiskAttachmentStore;
  let records: SqliteAttachmentRecords;
  let sut: AttachmentService;

  beforeEach(async () => {
    temp = openTempDatabase();
    root = mkdtempSync(path.join(tmpdir(), 'chat-attachment-service-'));
    now = new Date();
    store = new DiskAttachmentStore(root);
    await store.ping();
    records = new SqliteAttachmentRecords(temp.db);
    const rooms = new SqliteRoomStore(temp.db);
    await rooms.create({
      roomId: 'r1',
      name: 'r1',
      ownerId: 'alice',
      createdAt: now.toISOString(),
      members: ['alice', 'bob'],
    });
    sut = new AttachmentService(
      rooms,
      records,
      store,
      { maxBytes: 64 * 1024, orphanTtlMs: 24 * HOUR, blobGraceMs: HOUR },
      () => now,
    );
  });
  afterEach(() => {
    temp.remove();
    rmSync(root, { recursive: true, force: true });
  });

  const blobs = async () => {
    const keys: string[] = [];
    for await (const blob of store.list()) keys.push(blob.key);
    return keys.sort();
  };
  const upload = (name: string, bytes: Uint8Array, userId = 'alice') =>
    sut.upload(userId, { roomId: 'r1', name }, chunked(bytes, 1000));

  it('measures an image and stores its thumbnail', async () => {
    const record = await upload('wide.png', await png(1200, 300));
    expect(record).toMatchObject({ type: 'image/png', width: 1200, height: 300, messageId: null });
    const thumbnail = await sut.open(record.id, 'thumbnail');
    const meta = await sharp(await readAll(thumbnail.body)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 80]);
    expect(await blobs()).toEqual([record.blobKey, record.thumbnailKey].sort());
  });

  it('keeps nothing of a file over the limit', async () => {
    const refused = upload('big.bin', new Uint8Array(64 * 1024 + 1));
    await expect(refused).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await blobs()).toEqual([]);
  });

  it('refuses HTML named .png before writing anything', async () => {
    const html = new TextEncoder().encode('<!doctype html><script>alert(1)</script>');
    await expect(upload('cat.png', html)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await blobs()).toEqual([]);
  });

  it('stores HTML under its own name as text, never as a page', async () => {
    const html = new TextEncoder().encode('<!doctype html><p>hi</p>');
    expect(await upload('page.html', html)).toMatchObject({ type: 'text/plain; charset=utf-8' });
  });

  it('refuses bytes that claim to be an image but do not decode, and keeps nothing', async () => {
    const noise = Buffer.from(Array.from({ length: 200 * 200 * 3 }, (_, i) => (i * 7919) % 251));
    const full = await sharp(noise, { raw: { width: 200, height: 200, channels: 3 } })
      .png()
      .toBuffer();
    const broken = full.subarray(0, full.length / 2);
    await expect(upload('broken.png', broken)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await blobs()).toEqual([]);
  });

  it('refuses someone outside the room', async () => {
    await expect(upload('a.txt', new Uint8Array([65]), 'mallory')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(sut.get('mallory', 'nope')).rejects.toBeInstanceOf(ChatError);
  });

  it('removes orphans after their time and the bytes no record names', async () => {
    const kept = await upload('kept.txt', new TextEncoder().encode('kept'));
    await records.attach([kept.id], { roomId: 'r1', uploaderId: 'alice', messageId: 'm1' });
    const orphan = await upload('orphan.txt', new TextEncoder().encode('orphan'));
    now = new Date(now.getTime() + 23 * HOUR);
    expect(await sut.sweep()).toEqual({ orphans: 0, blobs: 0 });
    now = new Date(now.getTime() + 2 * HOUR);
    expect(await sut.sweep()).toEqual({ orphans: 1, blobs: 1 });
    expect(await records.get(orphan.id)).toBeUndefined();
    expect(await blobs()).toEqual([kept.blobKey]);
  });

  it('keeps bytes a second upload shares when the first is deleted with its room', async () => {
    const bytes = new TextEncoder().encode('same bytes');
    const first = await upload('a.txt', bytes);
    await records.delete([first.id]);
    const second = await upload('b.txt', bytes);
    await sut.deleteRoom('elsewhere');
    expect(second.blobKey).toBe(first.blobKey);
    expect(await blobs()).toEqual([first.blobKey]);
  });

  it('deletes a room’s attachments and, past the grace, their bytes', async () => {
    const record = await upload('wide.png', await png(100, 100));
    now = new Date(now.getTime() + 2 * HOUR);
    await sut.deleteRoom('r1');
    expect(await records.ofRoom('r1')).toEqual([]);
    expect(await blobs()).toEqual([]);
    await expect(sut.open(record.id, 'content')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('leaves fresh bytes of a deleted room to the sweep, which takes them after the grace', async () => {
    await upload('a.txt', new TextEncoder().encode('fresh'));
    await sut.deleteRoom('r1');
    expect(await blobs()).toHaveLength(1);
    now = new Date(now.getTime() + 2 * HOUR);
    expect(await sut.sweep()).toEqual({ orphans: 0, blobs: 1 });
    expect(await blobs()).toEqual([]);
  });
});

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of body) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}
