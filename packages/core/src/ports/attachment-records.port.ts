/** What is kept about an uploaded file besides its bytes. */
export interface AttachmentRecord {
  id: string;
  roomId: string;
  uploaderId: string;
  /** The sanitised file name. */
  name: string;
  /** Media type sniffed from the bytes. */
  type: string;
  size: number;
  width?: number;
  height?: number;
  /** The `AttachmentStore` key of the bytes. */
  blobKey: string;
  /** The `AttachmentStore` key of the thumbnail (images only). */
  thumbnailKey?: string;
  /** ISO-8601. */
  createdAt: string;
  /** The message that carries it; null while it is an upload no message has used yet. */
  messageId: string | null;
}

/**
 * The records of uploaded files: who uploaded what to which room, and which message uses it.
 *
 * Guarantees:
 * - `insert` writes one record; a record with an id already stored is refused (`CONFLICT`).
 * - `attach` is all or nothing: it sets `messageId` on every record only when each exists, is
 *   unattached, and belongs to the given room and uploader; otherwise it changes nothing and
 *   answers false. Attaching the same records to the same message again answers true.
 * - `orphans` lists unattached records created before a time, oldest first.
 * - `referenced` tells which of the given blob keys some record still uses (as its bytes or its
 *   thumbnail): a blob no record names can be deleted.
 * - `delete` is idempotent.
 */
export abstract class AttachmentRecords {
  abstract insert(record: AttachmentRecord): Promise<void>;
  abstract get(id: string): Promise<AttachmentRecord | undefined>;
  abstract getMany(ids: readonly string[]): Promise<AttachmentRecord[]>;
  abstract attach(
    ids: readonly string[],
    owner: { roomId: string; uploaderId: string; messageId: string },
  ): Promise<boolean>;
  abstract ofRoom(roomId: string): Promise<AttachmentRecord[]>;
  abstract ofMessage(messageId: string): Promise<AttachmentRecord[]>;
  abstract orphans(createdBefore: string, limit: number): Promise<AttachmentRecord[]>;
  abstract referenced(keys: readonly string[]): Promise<Set<string>>;
  abstract delete(ids: readonly string[]): Promise<void>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
