import { ChatClient, upload } from '@chat/test-support';
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rssBytes } from '../infra/proc.js';
import { freePort } from '@chat/local-cluster';
import { PACKAGE_DIR, startAndWait, startEmbedded } from '../infra/servers.js';
import { sleep } from '../stats.js';

const UPLOAD_SINK_MAIN = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../relay/upload-sink.ts',
);
const MIB = 1024 * 1024;

/** One round: `concurrent` uploads of `fileBytes` each, sent at once. */
export interface UploadRound {
  fileBytes: number;
  concurrent: number;
  /** Bytes of all uploads over the wall time from the first byte sent to the last answer. */
  mbPerSec: number;
  wallMs: number;
  /** The server's resident set before the round, and its highest during it. */
  rssBeforeBytes: number;
  rssPeakBytes: number;
  failures: number;
}

export interface UploadsResult {
  /** The embedded gateway: sniffing, hashing, thumbnails, files under DATA_DIR/attachments. */
  ours: UploadRound[];
  /** A bare HTTP server streaming each body to a file. */
  baseline: UploadRound[];
}

export interface UploadsOptions {
  /** File sizes, one round each, smallest first. */
  sizes: number[];
  concurrent: number;
}

export const UPLOAD_OPTIONS: UploadsOptions = { sizes: [1 * MIB, 10 * MIB], concurrent: 10 };

/** Samples a process's RSS every 10 ms until stopped; answers the highest seen. */
function rssPeak(pid: number): () => number {
  let peak = rssBytes(pid) ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssBytes(pid) ?? 0);
  }, 10);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rssBytes(pid) ?? 0);
  };
}

async function round(
  pid: number,
  fileBytes: number,
  concurrent: number,
  send: (bytes: Uint8Array, i: number) => Promise<number>,
): Promise<UploadRound> {
  // Distinct bytes per upload: the store is content-addressed and would keep one copy.
  const files = Array.from({ length: concurrent }, () => randomBytes(fileBytes));
  await sleep(500);
  const rssBeforeBytes = rssBytes(pid) ?? 0;
  const peak = rssPeak(pid);
  const started = performance.now();
  const statuses = await Promise.all(files.map((bytes, i) => send(bytes, i)));
  const wallMs = performance.now() - started;
  return {
    fileBytes,
    concurrent,
    mbPerSec: (fileBytes * concurrent) / MIB / (wallMs / 1000),
    wallMs,
    rssBeforeBytes,
    rssPeakBytes: peak(),
    failures: statuses.filter((status) => status !== 201).length,
  };
}

/**
 * Upload throughput and the server's memory during concurrent uploads, ours (the embedded
 * gateway, rate limits off, the size limit at the largest file) against the bare baseline, in
 * the same run. Streaming shows as an RSS peak that does not grow with the file size.
 */
export async function measureUploads(
  dataDir: string,
  options: UploadsOptions,
  log: (line: string) => void,
): Promise<UploadsResult> {
  const largest = Math.max(...options.sizes);
  const ours = await startEmbedded(path.join(dataDir, 'uploads-ours'), [], {
    ATTACHMENT_MAX_BYTES: String(largest),
  });
  const sinkDir = path.join(dataDir, 'uploads-baseline');
  mkdirSync(sinkDir, { recursive: true });
  const port = await freePort();
  const baselineUrl = `http://127.0.0.1:${port}`;
  const baseline = await startAndWait(
    `upload-sink-${port}`,
    ['--import', 'tsx', UPLOAD_SINK_MAIN],
    { PORT: String(port), HOST: '127.0.0.1', UPLOAD_DIR: sinkDir, NODE_OPTIONS: '' },
    baselineUrl,
    PACKAGE_DIR,
  );
  const uploader = await ChatClient.connect(ours.url, `uploader${Date.now().toString(36)}`);
  try {
    const { room } = await uploader.ok('create_room', { name: 'uploads', participants: [] });
    const result: UploadsResult = { ours: [], baseline: [] };
    for (const size of options.sizes) {
      const label = `${options.concurrent} × ${(size / MIB).toFixed(0)} MiB`;
      const mine = await round(ours.proc.pid ?? 0, size, options.concurrent, async (bytes, i) => {
        const res = await upload(ours.url, {
          roomId: room.roomId,
          name: `file-${i}.bin`,
          bytes,
          token: uploader.token,
        });
        return res.status;
      });
      result.ours.push(mine);
      const bare = await round(baseline.pid ?? 0, size, options.concurrent, async (bytes, i) => {
        const res = await upload(baselineUrl, { roomId: 'baseline', name: `file-${i}.bin`, bytes });
        return res.status;
      });
      result.baseline.push(bare);
      log(
        `uploads ${label}: ours ${mine.mbPerSec.toFixed(0)} MB/s, peak RSS ` +
          `+${((mine.rssPeakBytes - mine.rssBeforeBytes) / MIB).toFixed(0)} MiB; baseline ` +
          `${bare.mbPerSec.toFixed(0)} MB/s, +${((bare.rssPeakBytes - bare.rssBeforeBytes) / MIB).toFixed(0)} MiB`,
      );
    }
    return result;
  } finally {
    uploader.close();
    await baseline.stop();
    await ours.proc.stop();
  }
}
