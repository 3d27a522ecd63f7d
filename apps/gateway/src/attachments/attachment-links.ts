import type { Attachment, AttachmentVariant, SignedLink } from '@chat/contracts';
import type { AttachmentRecord } from '@chat/core';
import type { LinkSigner } from './link-signer.js';

const REFUSALS = {
  invalid: 'the download link is not valid',
  expired: 'the download link has expired; ask for a new one',
};

/**
 * Signed download links: `/chat/attachments/<id>/<variant>?exp=<unix s>&sig=<HMAC>`, where
 * `sig` is base64url HMAC-SHA256 over `<id>\n<variant>\n<exp>` with the deployment's link key.
 * They need no bearer header (an `<img>` cannot send one), are handed only to members of the
 * attachment's room, and stop working at `exp`. Whoever holds a link can use it until then.
 */
export class AttachmentLinks {
  constructor(
    private readonly signer: LinkSigner,
    private readonly ttlMs: number,
  ) {}

  /** The attachment as a client sees it, with links valid for the configured time. */
  present(record: AttachmentRecord, inline: boolean): Attachment {
    const exp = this.signer.secondsFromNow(this.ttlMs);
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
    this.signer.verify(subject(link.attachmentId, link.variant), link.exp, link.sig, REFUSALS);
  }

  /** Seconds the response may be cached: until the link expires. */
  remainingSeconds(link: SignedLink): number {
    return this.signer.remainingSeconds(link.exp);
  }

  private link(id: string, variant: AttachmentVariant, exp: number): string {
    const sig = this.signer.sign(subject(id, variant), exp);
    return `/chat/attachments/${encodeURIComponent(id)}/${variant}?exp=${exp}&sig=${sig}`;
  }
}

const subject = (id: string, variant: AttachmentVariant) => `${id}\n${variant}`;
