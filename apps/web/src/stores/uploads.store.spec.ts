import {
  ChatError,
  DEFAULT_ATTACHMENT_MAX_BYTES,
  MAX_ATTACHMENTS_PER_MESSAGE,
} from '@chat/contracts';
import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { drivenUploader } from '../testing/fake-uploader';
import { connectedHarness } from '../testing/setup';
import { useAttachmentsStore } from './attachments.store';
import { useRoomsStore } from './rooms.store';
import { useUploadsStore } from './uploads.store';

async function withUploads() {
  await connectedHarness('alice', (s) => s.addRoom('r1', ['alice']));
  const sut = useUploadsStore();
  const { uploader, started } = drivenUploader();
  sut.useUploader(uploader);
  return { sut, started };
}

const file = (name: string, size: number, type = 'image/png') =>
  new File([new Uint8Array(size)], name, { type });

describe('useUploadsStore', () => {
  it('shows a picked file as uploading with its progress, then as done', async () => {
    const { sut, started } = await withUploads();

    sut.add('r1', [file('cat.png', 1000)]);
    expect(sut.inRoom('r1')).toMatchObject([{ name: 'cat.png', status: 'uploading', loaded: 0 }]);
    expect(started[0]?.request).toMatchObject({
      roomId: 'r1',
      name: 'cat.png',
      token: 'token-of-alice',
    });

    started[0]?.request.onProgress(250, 1000);
    expect(sut.progressOf(sut.inRoom('r1')[0]!)).toBe(0.25);
    expect(sut.isBusy('r1')).toBe(true);

    started[0]?.finish({ width: 40, height: 30, thumbnailUrl: '/thumb' });
    await flushPromises();
    const [u] = sut.inRoom('r1');
    expect(u).toMatchObject({ status: 'done', loaded: 1000 });
    expect(sut.progressOf(u!)).toBe(1);
    expect(sut.isBusy('r1')).toBe(false);
    expect(useAttachmentsStore().byId['att-cat.png']?.name).toBe('cat.png');
  });

  it('hands the uploaded files to the message and clears them from the tray when taken', async () => {
    const { sut, started } = await withUploads();
    sut.add('r1', [file('a.png', 10), file('b.pdf', 20, 'application/pdf')]);
    started[0]?.finish({ width: 4, height: 3, thumbnailUrl: '/t' });
    started[1]?.finish({ type: 'application/pdf', inline: false });
    await flushPromises();

    expect(sut.take('r1')).toEqual([
      {
        id: 'att-a.png',
        name: 'a.png',
        type: 'image/png',
        size: 10,
        width: 4,
        height: 3,
        thumbnail: true,
      },
      { id: 'att-b.pdf', name: 'b.pdf', type: 'application/pdf', size: 20 },
    ]);
    expect(sut.inRoom('r1')).toEqual([]);
    expect(sut.take('r1')).toEqual([]);
  });

  it('cancels an upload under way when its file is removed', async () => {
    const { sut, started } = await withUploads();
    sut.add('r1', [file('big.png', 5000), file('small.png', 5)]);
    const [big] = sut.inRoom('r1');

    sut.remove('r1', big!.key);
    await flushPromises();

    expect(started[0]?.cancelled).toBe(true);
    expect(started[1]?.cancelled).toBe(false);
    expect(sut.inRoom('r1').map((u) => u.name)).toEqual(['small.png']);
  });

  it('refuses a file over the size limit before uploading it', async () => {
    const { sut, started } = await withUploads();
    sut.add('r1', [file('huge.png', DEFAULT_ATTACHMENT_MAX_BYTES + 1), file('empty.txt', 0)]);

    expect(started).toHaveLength(0);
    expect(sut.inRoom('r1')).toMatchObject([
      { name: 'huge.png', status: 'failed', problem: 'PAYLOAD_TOO_LARGE' },
      { name: 'empty.txt', status: 'failed', problem: 'EMPTY' },
    ]);
    expect(sut.take('r1')).toEqual([]);
  });

  it('uploads a file of exactly the size limit', async () => {
    const { sut, started } = await withUploads();
    sut.add('r1', [file('edge.png', DEFAULT_ATTACHMENT_MAX_BYTES)]);
    expect(started).toHaveLength(1);
    expect(sut.inRoom('r1')[0]?.status).toBe('uploading');
  });

  it('checks against the limit the server publishes, larger or smaller than the default', async () => {
    const limitOf = async (attachmentMaxBytes: number) => {
      await connectedHarness('alice', (s) => {
        s.addRoom('r1', ['alice']);
        s.limits = { attachmentMaxBytes };
      });
      const sut = useUploadsStore();
      const { uploader, started } = drivenUploader();
      sut.useUploader(uploader);
      return { sut, started };
    };
    const small = await limitOf(1000);
    small.sut.add('r1', [file('over.png', 1001), file('at.png', 1000)]);
    expect(small.started.map((s) => s.request.name)).toEqual(['at.png']);
    expect(small.sut.inRoom('r1')[0]).toMatchObject({
      status: 'failed',
      problem: 'PAYLOAD_TOO_LARGE',
    });

    const large = await limitOf(DEFAULT_ATTACHMENT_MAX_BYTES * 2);
    large.sut.add('r1', [file('big.png', DEFAULT_ATTACHMENT_MAX_BYTES + 1)]);
    expect(large.started).toHaveLength(1);
  });

  it('attaches at most the per-message limit and counts the files left out', async () => {
    const { sut, started } = await withUploads();
    sut.add('r1', [file('first.png', 1)]);
    const many = Array.from({ length: MAX_ATTACHMENTS_PER_MESSAGE }, (_, i) =>
      file(`f${i}.png`, 1),
    );

    sut.add('r1', many);

    expect(sut.inRoom('r1')).toHaveLength(MAX_ATTACHMENTS_PER_MESSAGE);
    expect(started).toHaveLength(MAX_ATTACHMENTS_PER_MESSAGE);
    expect(sut.leftOut.r1).toBe(1);
    sut.remove('r1', sut.inRoom('r1')[0]!.key);
    expect(sut.leftOut.r1).toBeUndefined();
  });

  it('does not count refused files against the limit', async () => {
    const { sut } = await withUploads();
    sut.add('r1', [file('huge.png', DEFAULT_ATTACHMENT_MAX_BYTES + 1)]);
    const many = Array.from({ length: MAX_ATTACHMENTS_PER_MESSAGE }, (_, i) =>
      file(`f${i}.png`, 1),
    );
    sut.add('r1', many);
    expect(sut.leftOut.r1).toBeUndefined();
    expect(sut.inRoom('r1').filter((u) => u.status === 'uploading')).toHaveLength(
      MAX_ATTACHMENTS_PER_MESSAGE,
    );
  });

  it('shows why the server refused a file and keeps it out of the message', async () => {
    const { sut, started } = await withUploads();
    sut.add('r1', [file('fake.png', 10), file('many.png', 10)]);
    started[0]?.refuse(new ChatError('BAD_REQUEST', 'the bytes are not a png'));
    started[1]?.refuse(new ChatError('RATE_LIMITED', 'slow down', 5000));
    await flushPromises();

    expect(sut.inRoom('r1')).toMatchObject([
      { name: 'fake.png', status: 'failed', problem: 'BAD_REQUEST' },
      { name: 'many.png', status: 'failed', problem: 'RATE_LIMITED' },
    ]);
    expect(sut.take('r1')).toEqual([]);
    expect(sut.inRoom('r1')).toHaveLength(2);
  });

  it('cancels the uploads of a room that goes away', async () => {
    const { sut, started } = await withUploads();
    sut.add('r1', [file('a.png', 10)]);
    useRoomsStore().remove('r1');
    await flushPromises();
    expect(started[0]?.cancelled).toBe(true);
    expect(sut.inRoom('r1')).toEqual([]);
  });
});
