import { connectS3AttachmentStore } from '@chat/adapters';
import { LOCAL_ATTACHMENT_BUCKET, freePort, startCluster } from '@chat/local-cluster';
import { NO_RATE_LIMITS, type UploadResponse } from '@chat/test-support';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { ATTACHMENT_LINK_KEY_PURPOSE } from '../../src/app.module.js';
import { startTestApp } from './test-app.js';

/** A running chat deployment, and a look at where it keeps attachment bytes. */
export interface AttachmentDeployment {
  /** Two entry points: the one embedded server twice, or two scaled replicas. */
  urls: [string, string];
  /** The key download links are signed with (derived from AUTH_SECRET, as the server does). */
  linkKey: Buffer;
  /** The content addresses of every stored blob. */
  blobs(): Promise<string[]>;
  /** Files the store writes while an upload is under way (temporary files, staged objects). */
  staging(): string[];
  stop(): Promise<void>;
}

export const MAX_BYTES = 1024 * 1024;

/** A bad upload: what it is, how it is sent, and the status and code it must be answered with. */
export type RefusedUpload = [
  label: string,
  send: () => Promise<UploadResponse>,
  status: number,
  code: string,
];

/** Sends each bad upload in turn: each is answered as its row says, and no byte is kept. */
export async function expectRefusedKeepingNothing(
  deployment: AttachmentDeployment,
  cases: readonly RefusedUpload[],
): Promise<void> {
  const before = (await deployment.blobs()).sort();
  for (const [label, send, status, code] of cases) {
    const res = await send();
    expect({ label, status: res.status, code: res.body['code'] }).toEqual({ label, status, code });
  }
  expect((await deployment.blobs()).sort()).toEqual(before);
  expect(deployment.staging()).toEqual([]);
}

/** Both modes run with a small size limit, and blobs deleted as soon as no record names them. */
const ENV = {
  ...NO_RATE_LIMITS,
  ATTACHMENT_MAX_BYTES: String(MAX_BYTES),
  ATTACHMENT_BLOB_GRACE_SECONDS: '0',
};

const linkKeyOf = (secret: string) =>
  createHmac('sha256', new TextEncoder().encode(secret))
    .update(ATTACHMENT_LINK_KEY_PURPOSE)
    .digest();

const walk = (dir: string): string[] => {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
  } catch {
    return [];
  }
};

/** The gateway alone, everything in one process: files in DATA_DIR/attachments. */
export async function startEmbedded(
  env: Record<string, string> = {},
): Promise<AttachmentDeployment> {
  const secret = randomBytes(32).toString('hex');
  const app = await startTestApp({ ...ENV, AUTH_SECRET: secret, ...env });
  const root = path.join(app.dataDir, 'attachments');
  return {
    urls: [app.url, app.url],
    linkKey: linkKeyOf(secret),
    blobs: () =>
      Promise.resolve(
        walk(root)
          .filter((f) => !f.startsWith('tmp'))
          .map((f) => path.basename(f)),
      ),
    staging: () => walk(path.join(root, 'tmp')),
    stop: () => app.destroy(),
  };
}

/** Two replicas, a sink, redis-server, dynalite and s3rver: attachments in S3. */
export async function startScaled(env: Record<string, string> = {}): Promise<AttachmentDeployment> {
  const secret = randomBytes(32).toString('hex');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chat-attachments-cluster-'));
  const ports = [await freePort(), await freePort()];
  const cluster = await startCluster({
    port: await freePort(),
    gatewayPorts: ports,
    dataDir,
    webDist: path.join(dataDir, 'no-web-build'),
    env: { ...ENV, AUTH_SECRET: secret, ...env },
  });
  const s3 = connectS3AttachmentStore({
    S3_BUCKET: LOCAL_ATTACHMENT_BUCKET,
    S3_ENDPOINT: cluster.s3Endpoint,
    S3_REGION: 'us-east-1',
    S3_FORCE_PATH_STYLE: true,
    S3_KEY_PREFIX: '',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  });
  const bucketDir = path.join(dataDir, 's3', LOCAL_ATTACHMENT_BUCKET);
  return {
    urls: [`http://127.0.0.1:${ports[0]}`, `http://127.0.0.1:${ports[1]}`],
    linkKey: linkKeyOf(secret),
    async blobs() {
      const keys: string[] = [];
      for await (const blob of s3.store.list()) keys.push(blob.key);
      return keys;
    },
    staging: () => walk(bucketDir).filter((f) => !f.startsWith('blobs')),
    async stop() {
      s3.close();
      await cluster.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
