import type { Readable } from 'node:stream';

/** A blob as stored: its content address and length. */
export interface StoredBlob {
  /** SHA-256 of the bytes, 64 lower-case hex digits. */
  key: string;
  size: number;
}

export interface BlobInfo extends StoredBlob {
  /** When the blob was last written (a `put` of the same bytes refreshes it). */
  modifiedAt: Date;
}

/** The blob key of bytes: their SHA-256 in lower-case hex. */
export const BLOB_KEY = /^[0-9a-f]{64}$/;

/**
 * The attachment store: the bytes of uploaded files, content-addressed.
 *
 * Guarantees:
 * - `put` streams `body` in without holding it whole in memory and names the blob by the
 *   SHA-256 of its bytes. It resolves only once the bytes are durable and `get` serves them.
 * - If `body` fails (the client went away, a size limit threw), `put` rejects with that error
 *   and nothing is left behind: no partial blob, nothing `get` or `list` would see.
 * - Putting bytes already stored returns the same key, keeps one copy and refreshes
 *   `modifiedAt`, so whoever collects unreferenced blobs can tell a blob just uploaded again.
 * - `get` streams exactly the stored bytes, or answers undefined for an unknown key.
 * - `delete` is idempotent: unknown keys are ignored.
 * - `list` yields every stored blob once.
 * - A key that is not 64 lower-case hex digits is never a path or object name: `get` and
 *   `stat` answer undefined, `delete` ignores it.
 */
export abstract class AttachmentStore {
  abstract put(body: AsyncIterable<Uint8Array>): Promise<StoredBlob>;
  abstract get(key: string): Promise<{ body: Readable; size: number } | undefined>;
  abstract stat(key: string): Promise<BlobInfo | undefined>;
  abstract delete(keys: readonly string[]): Promise<void>;
  abstract list(): AsyncIterable<BlobInfo>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
