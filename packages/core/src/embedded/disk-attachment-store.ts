import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  AttachmentStore,
  BLOB_KEY,
  type BlobInfo,
  type StoredBlob,
} from '../ports/attachment-store.port.js';

/** A temporary file older than this is what a crashed process left; the next start removes it. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * The embedded attachment store: one file per blob under `root`, named by the SHA-256 of its
 * bytes (`root/ab/abcdef…`, the first two hex digits as a folder so no folder grows huge).
 *
 * `put` writes to `root/tmp/` while hashing, fsyncs the file, renames it to its key (atomic on
 * one file system: a reader sees the whole blob or none) and fsyncs the folder. On any failure
 * the temporary file is removed; one left by a crash is removed at the next start.
 */
export class DiskAttachmentStore extends AttachmentStore {
  private readonly tmpDir: string;
  private readonly ready: Promise<void>;

  constructor(private readonly root: string) {
    super();
    this.tmpDir = path.join(root, 'tmp');
    this.ready = this.prepare();
    // Every method awaits `ready` and sees its failure; this only keeps it from going unhandled.
    this.ready.catch(() => undefined);
  }

  async put(body: AsyncIterable<Uint8Array>): Promise<StoredBlob> {
    await this.ready;
    const temp = path.join(this.tmpDir, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const file = await open(temp, 'wx', 0o600);
    try {
      for await (const chunk of body) {
        hash.update(chunk);
        size += chunk.length;
        await file.write(chunk);
      }
      await file.sync();
    } catch (error) {
      await file.close();
      await unlink(temp);
      throw error;
    }
    await file.close();
    const key = hash.digest('hex');
    const target = this.pathOf(key);
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await rename(temp, target);
      await syncFolder(path.dirname(target));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { key, size };
  }

  async get(key: string): Promise<{ body: Readable; size: number } | undefined> {
    const info = await this.stat(key);
    if (!info) return undefined;
    return { body: createReadStream(this.pathOf(key)), size: info.size };
  }

  async stat(key: string): Promise<BlobInfo | undefined> {
    if (!BLOB_KEY.test(key)) return undefined;
    try {
      const info = await stat(this.pathOf(key));
      return { key, size: info.size, modifiedAt: info.mtime };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      if (BLOB_KEY.test(key)) await rm(this.pathOf(key), { force: true });
    }
  }

  async *list(): AsyncIterable<BlobInfo> {
    await this.ready;
    for (const shard of await readdir(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await readdir(path.join(this.root, shard))) {
        const info = await this.stat(name);
        if (info) yield info;
      }
    }
  }

  async ping(): Promise<void> {
    await this.ready;
    await stat(this.tmpDir);
  }

  async close(): Promise<void> {
    await this.ready;
  }

  private pathOf(key: string): string {
    return path.join(this.root, key.slice(0, 2), key);
  }

  private async prepare(): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true });
    const cutoff = Date.now() - STALE_TEMP_MS;
    for (const name of await readdir(this.tmpDir)) {
      const file = path.join(this.tmpDir, name);
      const info = await stat(file).catch(() => undefined);
      if (info && info.mtimeMs < cutoff) await rm(file, { force: true });
    }
  }
}

const isMissing = (error: unknown): boolean =>
  (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

/** Makes a rename in `folder` durable. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
