import {
  ChatError,
  type Attachment,
  type AttachmentVariant,
  type SignedLink,
} from '@chat/contracts';
import type { AttachmentRecord, Clock } from '@chat/core';
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed download links: `/chat/attachments/<id>/<variant>?exp=<unix s>&sig=<HMAC>`, where
 * `sig` is base64url HMAC-SHA256 over `<id>\n<variant>\n<exp>` with the deployment's link key.
 * They need no bearer header (an `<img>` cannot send one), are handed only to members of the
 * attachment's room, and stop working at `exp`. Whoever holds a link can use it until then.
 */
export class AttachmentLinks {
  constructor(
    private readonly key: Uint8Array,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  /** The attachment as a client sees it, with links valid for the configured time. */
  present(record: AttachmentRecord, inline: boolean): Attachment {
    const exp = Math.floor((this.clock().getTime() + this.ttlMs) / 1000);
    return {
      id: record.id,
      roomId: record.roomId,
      uploaderId: record.uploaderId,
      name: record.name,
      type: record.type,
      size: record.size,
      ...(record.width !== undefined && { width: record.width }),
      ...(record.height !== undefined && { height: record.height }),
      createdAt: record.createdAt,
      inline,
      url: this.link(record.id, 'content', exp),
      ...(record.thumbnailKey !== undefined && {
        thumbnailUrl: this.link(record.id, 'thumbnail', exp),
      }),
      urlExpiresAt: new Date(exp * 1000).toISOString(),
    };
  }

  /** Throws `FORBIDDEN` unless the link was signed here and has not expired. */
  verify(link: SignedLink): void {
    const expected = this.signature(link.attachmentId, link.variant, link.exp);
    const given = Buffer.from(link.sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ChatError('FORBIDDEN', 'the download link is not valid');
    }
    if (link.exp * 1000 <= this.clock().getTime()) {
      throw new ChatError('FORBIDDEN', 'the download link has expired; ask for a new one');
    }
  }

  /** Seconds the response may be cached: until the link expires. */
  remainingSeconds(link: SignedLink): number {
    return Math.max(0, link.exp - Math.floor(this.clock().getTime() / 1000));
  }

  private link(id: string, variant: AttachmentVariant, exp: number): string {
    const sig = this.signature(id, variant, exp).toString('base64url');
    return `/chat/attachments/${encodeURIComponent(id)}/${variant}?exp=${exp}&sig=${sig}`;
  }

  private signature(id: string, variant: AttachmentVariant, exp: number): Buffer {
    return createHmac('sha256', this.key).update(`${id}\n${variant}\n${exp}`).digest();
  }
}
