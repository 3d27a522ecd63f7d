import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { chunked, describeAttachmentStoreConformance } from '@chat/core/conformance';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3AttachmentStore } from '../../src/s3/s3-attachment-store.js';
import { startS3rver, type S3rverServer } from '../support/s3rver.js';

let s3: S3rverServer;
beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(async () => {
  await s3.stop();
});

const noop = () => Promise.resolve();

describeAttachmentStoreConformance(`${S3AttachmentStore.name} on s3rver`, () =>
  Promise.resolve({
    sut: new S3AttachmentStore(s3.client, { bucket: s3.bucket, prefix: 'conformance/' }),
    cleanup: noop,
  }),
);

describe(`${S3AttachmentStore.name} on s3rver`, () => {
  const names = async (Prefix: string) =>
    ((await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix }))).Contents ?? [])
      .map((o) => o.Key ?? '')
      .sort();

  it('streams a file of several parts and keeps only its content address', async () => {
    const sut = new S3AttachmentStore(s3.client, { bucket: s3.bucket, prefix: 'parts/' });
    const bytes = randomBytes(12 * 1024 * 1024 + 5);
    const { key, size } = await sut.put(chunked(bytes, 256 * 1024));
    expect(size).toBe(bytes.length);
    expect(await names('parts/')).toEqual([`parts/blobs/${key}`]);
    const object = await s3.client.send(
      new GetObjectCommand({ Bucket: s3.bucket, Key: `parts/blobs/${key}` }),
    );
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(bytes)).toBe(true);
  });

  it('leaves no object, staged or final, when the body fails after several parts', async () => {
    const sut = new S3AttachmentStore(s3.client, { bucket: s3.bucket, prefix: 'failed/' });
    async function* failing() {
      yield* chunked(randomBytes(11 * 1024 * 1024));
      throw new Error('client went away');
    }
    await expect(sut.put(failing())).rejects.toThrow('client went away');
    expect(await names('failed/')).toEqual([]);
  });
});
