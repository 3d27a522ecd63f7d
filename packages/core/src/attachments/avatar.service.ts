import { AVATAR_MAX_BYTES, AVATAR_SIZE, ChatError } from '@chat/contracts';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AttachmentRecord, AttachmentRecords } from '../ports/attachment-records.port.js';
import type { AttachmentStore } from '../ports/attachment-store.port.js';
import type { UserRecord, UserStore } from '../ports/user-store.port.js';
import { systemClock, type Clock } from '../services/clock.js';
import type { AttachmentService } from './attachment.service.js';
import { SNIFF_BYTES, sniffType } from './content-type.js';
import { squareImage } from './image.js';
import { readHead, single, withinLimit } from './upload-body.js';

/**
 * What an avatar's attachment record names in place of a room and a message: no room or
 * message id has this form (they are UUIDs and `dm:` digests), so no room's or message's
 * clean-up ever reaches an avatar, the sweep never takes one for an unused upload, and the
 * blob stays referenced (kept) for as long as the record exists.
 */
export const avatarOwner = (userId: string): string => `avatar:${userId}`;

const isAvatar = (record: AttachmentRecord): boolean =>
  record.roomId === avatarOwner(record.uploaderId) && record.messageId === record.roomId;

/**
 * People's pictures. Only a small square WebP of the upload is kept, in the `AttachmentStore`,
 * named by an attachment record of no room (`avatarOwner`); the user's record holds its id.
 * The upload is streamed into the image decoder: never held whole, never written as sent.
 */
export class AvatarService {
  constructor(
    private readonly users: UserStore,
    private readonly records: AttachmentRecords,
    private readonly store: AttachmentStore,
    private readonly attachments: AttachmentService,
    private readonly clock: Clock = systemClock,
    private readonly maxBytes: number = AVATAR_MAX_BYTES,
  ) {}

  /**
   * Makes `body` the user's avatar and removes the one it replaces. Only raster images (PNG,
   * JPEG, GIF, WebP, sniffed from the bytes) are taken: anything else is `BAD_REQUEST`, more
   * than the limit `PAYLOAD_TOO_LARGE`; a refused upload writes nothing.
   */
  async replace(
    userId: string,
    body: AsyncIterable<Uint8Array>,
    declaredBytes?: number,
  ): Promise<UserRecord> {
    if (declaredBytes !== undefined && declaredBytes > this.maxBytes) throw this.tooLarge();
    const chunks = body[Symbol.asyncIterator]();
    const head = await readHead(chunks, SNIFF_BYTES);
    const { inline } = await sniffType(head.bytes, '');
    if (!inline) {
      throw new ChatError('BAD_REQUEST', 'an avatar must be a PNG, JPEG, GIF or WebP image');
    }
    const square = await squareImage(
      Readable.from(withinLimit(head, chunks, this.maxBytes, () => this.tooLarge())),
      AVATAR_SIZE,
    );
    const blob = await this.store.put(single(square));
    const owner = avatarOwner(userId);
    const record: AttachmentRecord = {
      id: randomUUID(),
      roomId: owner,
      uploaderId: userId,
      name: 'avatar.webp',
      type: 'image/webp',
      size: blob.size,
      width: AVATAR_SIZE,
      height: AVATAR_SIZE,
      blobKey: blob.key,
      createdAt: this.clock().toISOString(),
      messageId: owner,
    };
    // Should this fail, the blob no record names is the sweep's.
    await this.records.insert(record);
    const swapped = await this.users.setAvatar(userId, record.id);
    if (!swapped) {
      await this.attachments.remove([record]);
      throw new ChatError('NOT_FOUND', 'no such user');
    }
    await this.discard(swapped.previous);
    return swapped.user;
  }

  /** Removes the user's avatar, if any: they are shown by their initials again. */
  async remove(userId: string): Promise<UserRecord> {
    const swapped = await this.users.setAvatar(userId, null);
    if (!swapped) throw new ChatError('NOT_FOUND', 'no such user');
    await this.discard(swapped.previous);
    return swapped.user;
  }

  /** The bytes of an avatar, for a link already checked; `NOT_FOUND` once it was replaced. */
  async open(avatarId: string): Promise<{ body: Readable; size: number }> {
    const record = await this.records.get(avatarId);
    const blob = record && isAvatar(record) ? await this.store.get(record.blobKey) : undefined;
    if (!blob) throw new ChatError('NOT_FOUND', `avatar ${avatarId} does not exist`);
    return blob;
  }

  private async discard(avatarId: string | undefined): Promise<void> {
    if (avatarId === undefined) return;
    const record = await this.records.get(avatarId);
    if (record && isAvatar(record)) await this.attachments.remove([record]);
  }

  private tooLarge(): ChatError {
    return new ChatError('PAYLOAD_TOO_LARGE', `an avatar may be at most ${this.maxBytes} bytes`);
  }
}
