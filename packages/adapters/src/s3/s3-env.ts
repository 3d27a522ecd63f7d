import { z } from 'zod';
import { createS3Client } from './s3-client.js';
import { S3AttachmentStore } from './s3-attachment-store.js';
import { CreateBucketCommand, HeadBucketCommand, NotFound } from '@aws-sdk/client-s3';

/**
 * Environment of the S3 attachment store (`ATTACHMENT_STORE=s3`). `S3_ENDPOINT` points at an
 * S3-compatible server (MinIO in compose); without it, AWS in `S3_REGION`. Credentials are
 * `S3_ACCESS_KEY_ID`/`S3_SECRET_ACCESS_KEY`, else `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`,
 * else the SDK's chain (an IAM role on AWS).
 */
export const S3EnvSchema = z.object({
  S3_BUCKET: z.string().min(3).max(63),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_FORCE_PATH_STYLE: z.stringbool().default(true),
  S3_KEY_PREFIX: z.string().default(''),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  AWS_ACCESS_KEY_ID: z.string().optional(),
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
});
export type S3Env = z.infer<typeof S3EnvSchema>;

/** The S3 attachment store for `env`, and how to create its bucket when it is missing. */
export function connectS3AttachmentStore(env: S3Env) {
  const accessKeyId = env.S3_ACCESS_KEY_ID ?? env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY ?? env.AWS_SECRET_ACCESS_KEY;
  const client = createS3Client({
    region: env.S3_REGION,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
  });
  const store = new S3AttachmentStore(client, {
    bucket: env.S3_BUCKET,
    prefix: env.S3_KEY_PREFIX,
  });
  return {
    store,
    /** Creates the bucket if it does not exist (compose's init job normally has). */
    async provision() {
      try {
        await client.send(new HeadBucketCommand({ Bucket: env.S3_BUCKET }));
      } catch (error) {
        if (!(error instanceof NotFound)) throw error;
        await client.send(new CreateBucketCommand({ Bucket: env.S3_BUCKET }));
      }
    },
    close() {
      client.destroy();
    },
  };
}
