import {
  ChatError,
  type AttachmentVariant,
  type MessageAttachment,
  type UploadAttachmentPayload,
} from '@chat/contracts';
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { AttachmentRecord, AttachmentRecords } from '../ports/attachment-records.port.js';
import type { AttachmentStore } from '../ports/attachment-store.port.js';
import type { RoomStore } from '../ports/room-store.port.js';
import { requireMember, assertMember } from '../services/access.js';
import { systemClock, type Clock } from '../services/clock.js';
import { SNIFF_BYTES, sniffType } from './content-type.js';
import { sanitizeFileName } from './file-name.js';
import { describeImage } from './image.js';
import { readHead, single, withinLimit } from './upload-body.js';

export interface AttachmentLimits {
  /** Largest upload in bytes; more is `PAYLOAD_TOO_LARGE` and nothing is kept. */
  maxBytes: number;
  /** An upload no message has used is removed this long after it was made. */
  orphanTtlMs: number;
  /**
   * A blob no record names is deleted only once it was last written longer ago than this: an
   * upload writes its blob before its record, so a blob being uploaded again is always fresh.
   */
  blobGraceMs: number;
}

/** What a sweep removed. */
export interface SweepResult {
  orphans: number;
  blobs: number;
}

/** Records read per step of a sweep. */
const SWEEP_BATCH = 100;

/**
 * Uploads, reads and removal of attachments: the bytes go to the `AttachmentStore`, what is
 * known about them to `AttachmentRecords`. Only members of a room upload to it or read its
 * attachments. An upload is streamed: at most `SNIFF_BYTES` and one chunk are held, never the
 * whole file.
 */
export class AttachmentService {
  constructor(
    private readonly rooms: RoomStore,
    private readonly records: AttachmentRecords,
    private readonly store: AttachmentStore,
    private readonly limits: AttachmentLimits,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Stores `body` as an attachment of the room. The type is sniffed from the first bytes
   * before anything is written; images are measured and get a thumbnail. Whatever fails (size,
   * type, a client that goes away), nothing of this upload is left.
   */
  async upload(
    userId: string,
    payload: UploadAttachmentPayload,
    body: AsyncIterable<Uint8Array>,
    declaredBytes?: number,
  ): Promise<AttachmentRecord> {
    await assertMember(this.rooms, payload.roomId, userId);
    const name = sanitizeFileName(payload.name);
    if (declaredBytes !== undefined && declaredBytes > this.limits.maxBytes) throw this.tooLarge();
    const chunks = body[Symbol.asyncIterator]();
    const head = await readHead(chunks, SNIFF_BYTES);
    const { type, inline } = await sniffType(head.bytes, name);
    const blob = await this.store.put(
      withinLimit(head, chunks, this.limits.maxBytes, () => this.tooLarge()),
    );
    const written = [blob.key];
    try {
      const image = inline ? await this.measure(blob.key) : undefined;
      if (image) written.push(image.thumbnailKey);
      const record: AttachmentRecord = {
        id: randomUUID(),
        roomId: payload.roomId,
        uploaderId: userId,
        name,
        type,
        size: blob.size,
        ...(image && { width: image.width, height: image.height }),
        blobKey: blob.key,
        ...(image && { thumbnailKey: image.thumbnailKey }),
        createdAt: this.clock().toISOString(),
        messageId: null,
      };
      await this.records.insert(record);
      return record;
    } catch (error) {
      // Nothing of a refused upload stays; bytes another record also names stay for it.
      await this.release(written, { graceMs: 0 });
      throw error;
    }
  }

  /** The record of an attachment, when `userId` is a member of its room. */
  async get(userId: string, attachmentId: string): Promise<AttachmentRecord> {
    const record = await this.records.get(attachmentId);
    if (!record) throw new ChatError('NOT_FOUND', `attachment ${attachmentId} does not exist`);
    await requireMember(this.rooms, record.roomId, userId);
    return record;
  }

  /**
   * The bytes of an attachment or its thumbnail, for a download whose link was already
   * checked; `NOT_FOUND` once the attachment (or its room) is gone.
   */
  async open(
    attachmentId: string,
    variant: AttachmentVariant,
  ): Promise<{ record: AttachmentRecord; body: Readable; size: number }> {
    const record = await this.records.get(attachmentId);
    const key = variant === 'thumbnail' ? record?.thumbnailKey : record?.blobKey;
    const blob = key !== undefined ? await this.store.get(key) : undefined;
    if (!record || !blob) {
      throw new ChatError('NOT_FOUND', `attachment ${attachmentId} has no ${variant}`);
    }
    return { record, ...blob };
  }

  /**
   * Claims the sender's uploads for a message about to be sent and says what the message
   * carries of them. Each must be an upload of `userId` to `roomId` that no other message
   * carries, else `BAD_REQUEST`; two sends racing for one upload: one gets `CONFLICT`.
   *
   * The message id is chosen here. With a `clientMsgId` it is derived from the room, sender,
   * `clientMsgId` and uploads, so a retry of the same send finds its uploads already claimed
   * by the same id and goes on to the log, which answers the first ack.
   */
  async claim(
    userId: string,
    roomId: string,
    attachmentIds: readonly string[],
    clientMsgId: string | undefined,
  ): Promise<{ messageId: string; attachments: MessageAttachment[] }> {
    const ids = [...new Set(attachmentIds)];
    const messageId =
      clientMsgId === undefined ? randomUUID() : derivedId(roomId, userId, clientMsgId, ids);
    const found = new Map((await this.records.getMany(ids)).map((r) => [r.id, r]));
    for (const id of ids) {
      const record = found.get(id);
      if (
        !record ||
        record.roomId !== roomId ||
        record.uploaderId !== userId ||
        (record.messageId !== null && record.messageId !== messageId)
      ) {
        throw new ChatError(
          'BAD_REQUEST',
          `attachment ${id} is not an upload of yours to this room that is still unsent`,
        );
      }
    }
    if (!(await this.records.attach(ids, { roomId, uploaderId: userId, messageId }))) {
      throw new ChatError('CONFLICT', 'an attachment was just sent with another message');
    }
    return { messageId, attachments: ids.map((id) => describe(found.get(id))) };
  }

  /** Removes every attachment of a deleted room, bytes included. */
  async deleteRoom(roomId: string): Promise<void> {
    await this.remove(await this.records.ofRoom(roomId));
  }

  /** Removes the attachments a deleted message carried, bytes included. */
  async deleteMessage(messageId: string): Promise<void> {
    await this.remove(await this.records.ofMessage(messageId));
  }

  /**
   * Removes uploads no message used within `orphanTtlMs`, then every blob no record names
   * that is older than the grace (left by a crash, or deleted within the grace of its upload).
   */
  async sweep(): Promise<SweepResult> {
    const cutoff = new Date(this.clock().getTime() - this.limits.orphanTtlMs).toISOString();
    let orphans = 0;
    let blobs = 0;
    for (;;) {
      const batch = await this.records.orphans(cutoff, SWEEP_BATCH);
      if (batch.length === 0) break;
      blobs += await this.remove(batch);
      orphans += batch.length;
      if (batch.length < SWEEP_BATCH) break;
    }
    let keys: string[] = [];
    for await (const blob of this.store.list()) {
      keys.push(blob.key);
      if (keys.length === SWEEP_BATCH) {
        blobs += await this.release(keys);
        keys = [];
      }
    }
    blobs += await this.release(keys);
    return { orphans, blobs };
  }

  /**
   * Deletes the records, then the blobs they alone named (once older than the grace; the sweep
   * takes the rest); counts the blobs.
   */
  async remove(records: readonly AttachmentRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    await this.records.delete(records.map((r) => r.id));
    return this.release(
      records.flatMap((r) => (r.thumbnailKey ? [r.blobKey, r.thumbnailKey] : [r.blobKey])),
    );
  }

  /** Deletes the blobs among `keys` no record names and older than the grace; counts them. */
  private async release(
    keys: readonly string[],
    { graceMs = this.limits.blobGraceMs }: { graceMs?: number } = {},
  ): Promise<number> {
    if (keys.length === 0) return 0;
    const used = await this.records.referenced(keys);
    const before = this.clock().getTime() - graceMs;
    const doomed: string[] = [];
    for (const key of new Set(keys)) {
      if (used.has(key)) continue;
      const info = await this.store.stat(key);
      if (info && (graceMs === 0 || info.modifiedAt.getTime() <= before)) doomed.push(key);
    }
    await this.store.delete(doomed);
    return doomed.length;
  }

  private async measure(key: string) {
    const blob = await this.store.get(key);
    if (!blob) throw new ChatError('INTERNAL', 'the upload vanished before it was measured');
    const facts = await describeImage(blob.body);
    const thumbnail = await this.store.put(single(facts.thumbnail));
    return { width: facts.width, height: facts.height, thumbnailKey: thumbnail.key };
  }

  private tooLarge(): ChatError {
    return new ChatError(
      'PAYLOAD_TOO_LARGE',
      `a file may be at most ${this.limits.maxBytes} bytes`,
    );
  }
}

/** A message id (UUID form) that the same send always gets. */
function derivedId(roomId: string, userId: string, clientMsgId: string, ids: string[]): string {
  const hex = createHash('sha256')
    .update(JSON.stringify([roomId, userId, clientMsgId, [...ids].sort()]))
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function describe(record: AttachmentRecord | undefined): MessageAttachment {
  if (!record) throw new ChatError('INTERNAL', 'an attachment record went missing');
  return {
    id: record.id,
    name: record.name,
    type: record.type,
    size: record.size,
    ...(record.width !== undefined && { width: record.width }),
    ...(record.height !== undefined && { height: record.height }),
    ...(record.thumbnailKey !== undefined && { thumbnail: true }),
  };
}
