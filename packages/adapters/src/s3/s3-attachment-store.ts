import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { AttachmentStore, BLOB_KEY, type BlobInfo, type StoredBlob } from '@chat/core';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';

export interface S3AttachmentStoreOptions {
  bucket: string;
  /** Prepended to every object name, e.g. `chat/`; empty by default. */
  prefix?: string;
  /** Size of each part of a multipart upload (S3's minimum, 5 MiB, by default). */
  partSize?: number;
}

/** S3 deletes at most this many objects per request. */
const DELETE_BATCH = 1000;

/**
 * The scaled attachment store: one S3 object per blob at `<prefix>blobs/<sha256>`.
 *
 * The key is known only once every byte has passed, so `put` streams the body (multipart past
 * one part, at most a couple of parts in memory) to `<prefix>tmp/<uuid>` while hashing it,
 * copies that object to its content address and deletes it. A body that fails aborts the
 * upload (S3 drops the parts; where aborting fails, the bucket's rule for incomplete multipart
 * uploads does); a process that dies between the copy and the delete leaves an
 * object under `tmp/`, which the bucket's lifecycle rule expires (docs/deployment.md) and
 * which `get`/`list` never see. A copy replaces the object, refreshing `LastModified`.
 */
export class S3AttachmentStore extends AttachmentStore {
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;

  constructor(
    private readonly client: S3Client,
    options: S3AttachmentStoreOptions,
  ) {
    super();
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    this.partSize = options.partSize ?? 5 * 1024 * 1024;
  }

  async put(body: AsyncIterable<Uint8Array>): Promise<StoredBlob> {
    const hash = createHash('sha256');
    let size = 0;
    let bodyFailure: { error: unknown } | undefined;
    async function* hashing() {
      try {
        for await (const chunk of body) {
          hash.update(chunk);
          size += chunk.length;
          yield chunk;
        }
      } catch (error) {
        bodyFailure = { error };
        throw error;
      }
    }
    const staging = `${this.prefix}tmp/${randomUUID()}`;
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: staging, Body: Readable.from(hashing()) },
      partSize: this.partSize,
      queueSize: 1,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      // The body's own failure is the answer, even if aborting the parts failed after it.
      throw bodyFailure ? bodyFailure.error : error;
    }
    const key = hash.digest('hex');
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          CopySource: `${this.bucket}/${encodeURIComponent(staging).replace(/%2F/g, '/')}`,
          Key: this.objectName(key),
          MetadataDirective: 'REPLACE',
          ContentType: 'application/octet-stream',
        }),
      );
    } finally {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: staging }));
    }
    return { key, size };
  }

  async get(key: string): Promise<{ body: Readable; size: number } | undefined> {
    if (!BLOB_KEY.test(key)) return undefined;
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectName(key) }),
      );
      if (!(object.Body instanceof Readable)) throw new Error('S3 answered without a body');
      return { body: object.Body, size: object.ContentLength ?? 0 };
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  async stat(key: string): Promise<BlobInfo | undefined> {
    if (!BLOB_KEY.test(key)) return undefined;
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectName(key) }),
      );
      return { key, size: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? new Date(0) };
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    const names = keys.filter((key) => BLOB_KEY.test(key)).map((key) => this.objectName(key));
    for (let i = 0; i < names.length; i += DELETE_BATCH) {
      const batch = names.slice(i, i + DELETE_BATCH);
      const result = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        throw new Error(`S3 kept ${failed.length} objects: ${failed[0]?.Code ?? 'unknown error'}`);
      }
    }
  }

  async *list(): AsyncIterable<BlobInfo> {
    const Prefix = `${this.prefix}blobs/`;
    for await (const page of paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.bucket, Prefix },
    )) {
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(Prefix.length) ?? '';
        if (!BLOB_KEY.test(key)) continue;
        yield { key, size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) };
      }
    }
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private objectName(key: string): string {
    return `${this.prefix}blobs/${key}`;
  }
}
