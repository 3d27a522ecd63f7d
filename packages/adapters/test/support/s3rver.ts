import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { createS3Client } from '../../src/s3/s3-client.js';

/** s3rver running in this process on a free loopback port, over a fresh folder. */
export interface S3rverServer {
  endpoint: string;
  client: S3Client;
  bucket: string;
  /** The folder s3rver keeps objects in. */
  directory: string;
  stop(): Promise<void>;
}

export async function startS3rver(bucket = 'chat-test'): Promise<S3rverServer> {
  const directory = mkdtempSync(path.join(tmpdir(), 'chat-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createS3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  return {
    endpoint,
    client,
    bucket,
    directory,
    async stop() {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
