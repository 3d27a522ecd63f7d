import { z } from 'zod';

/** Default largest upload, in bytes (`ATTACHMENT_MAX_BYTES`). */
export const DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** Longest file name kept, in code points, after sanitising. */
export const MAX_ATTACHMENT_NAME_CODE_POINTS = 200;
/** Most attachments one message may carry. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

/**
 * An uploaded file as clients see it. `type` is the media type sniffed from the bytes (never
 * the client's word); `width`/`height` are set for images. `url` and `thumbnailUrl` are
 * short-lived signed links (see docs/security.md) that need no bearer header, so `<img>` can
 * load them; ask `GET /chat/attachments/:id` for fresh ones once they expire.
 */
export interface Attachment {
  id: string;
  roomId: string;
  uploaderId: string;
  name: string;
  type: string;
  size: number;
  width?: number;
  height?: number;
  createdAt: string;
  /** Whether the server renders it inline (raster images) or as a download. */
  inline: boolean;
  url: string;
  thumbnailUrl?: string;
  /** When `url` and `thumbnailUrl` stop working (ISO-8601). */
  urlExpiresAt: string;
}

const id = z.string().trim().min(1).max(64);

/**
 * What a message carries of each attachment (kept with the message in the log and the stores;
 * links are not, since they expire: a member asks `GET /chat/attachments/:id` for them).
 */
export const MessageAttachmentSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  type: z.string(),
  size: z.number().int().nonnegative(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  /** It has a thumbnail (images). */
  thumbnail: z.boolean().optional(),
});
export type MessageAttachment = z.infer<typeof MessageAttachmentSchema>;

/**
 * `POST /chat/rooms/:roomId/attachments?name=<file name>`: the body is the file's bytes
 * (`Content-Type: application/octet-stream`, `Content-Length` required). The name is only a
 * label: it is sanitised and never decides the type.
 */
export const UploadAttachmentSchema = z.object({
  roomId: id,
  name: z.string().min(1, 'name the file with ?name=').max(1024),
});
export type UploadAttachmentPayload = z.infer<typeof UploadAttachmentSchema>;

/** `GET /chat/attachments/:id`: the attachment with fresh signed links (members only). */
export const AttachmentRefSchema = z.object({ attachmentId: id });

/** Which bytes a signed link serves. */
export const ATTACHMENT_VARIANTS = ['content', 'thumbnail'] as const;
export type AttachmentVariant = (typeof ATTACHMENT_VARIANTS)[number];

/** What every signed link's query carries: its expiry (Unix seconds) and the HMAC over it. */
export const LINK_SIGNATURE_FIELDS = {
  exp: z.coerce.number().int().positive(),
  sig: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'sig is not a signature'),
};

/** A signed download link: the attachment, which of its bytes, and the signature. */
export const SignedLinkSchema = z.object({
  attachmentId: id,
  variant: z.enum(ATTACHMENT_VARIANTS),
  ...LINK_SIGNATURE_FIELDS,
});
export type SignedLink = z.infer<typeof SignedLinkSchema>;
