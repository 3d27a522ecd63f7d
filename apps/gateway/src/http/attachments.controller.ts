import {
  AttachmentRefSchema,
  ChatError,
  SignedLinkSchema,
  UploadAttachmentSchema,
  type Attachment,
} from '@chat/contracts';
import { AttachmentService, INLINE_IMAGE_TYPES, type AttachmentRecord } from '@chat/core';
import {
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { AttachmentLinks } from '../attachments/attachment-links.js';
import { Authenticator } from '../auth/authenticator.js';
import { RateLimits } from '../chat/rate-limits.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { AcceptsFileBody } from './browser-request.guard.js';

type QueryParams = Record<string, string | string[] | undefined>;

/** Policy of a downloaded file: it may never run as a page of this origin. */
const DOWNLOAD_CSP = "default-src 'none'; sandbox";

/**
 * Uploads (`POST /chat/rooms/:roomId/attachments`, the file's bytes as the body), an
 * attachment's record with fresh links (`GET /chat/attachments/:id`), and downloads through
 * signed links (`GET /chat/attachments/:id/content|thumbnail?exp&sig`).
 */
@Controller('chat')
export class AttachmentsController {
  constructor(
    @Inject(Authenticator) private readonly auth: Authenticator,
    @Inject(AttachmentService) private readonly attachments: AttachmentService,
    @Inject(AttachmentLinks) private readonly links: AttachmentLinks,
    @Inject(RateLimits) private readonly limits: RateLimits,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('rooms/:roomId/attachments')
  @HttpCode(201)
  @AcceptsFileBody()
  async upload(
    @Headers('authorization') auth: unknown,
    @Param('roomId') roomId: string,
    @Query() q: QueryParams,
    @Req() req: Request,
  ): Promise<{ attachment: Attachment }> {
    const userId = await this.caller(auth);
    const payload = UploadAttachmentSchema.parse({ roomId, name: one(q['name']) ?? '' });
    const length = contentLength(req.headers['content-length']);
    if (length > this.config.attachments.maxBytes) {
      throw new ChatError(
        'PAYLOAD_TOO_LARGE',
        `a file may be at most ${this.config.attachments.maxBytes} bytes`,
      );
    }
    await this.limits.consume('upload', userId, length);
    const record = await this.attachments.upload(userId, payload, req, length);
    return { attachment: this.present(record) };
  }

  @Get('attachments/:attachmentId')
  async get(
    @Headers('authorization') auth: unknown,
    @Param('attachmentId') attachmentId: string,
  ): Promise<{ attachment: Attachment }> {
    const userId = await this.caller(auth);
    const ref = AttachmentRefSchema.parse({ attachmentId });
    return { attachment: this.present(await this.attachments.get(userId, ref.attachmentId)) };
  }

  @Get('attachments/:attachmentId/:variant')
  async download(
    @Param('attachmentId') attachmentId: string,
    @Param('variant') variant: string,
    @Query() q: QueryParams,
    @Res() res: Response,
  ): Promise<void> {
    const link = SignedLinkSchema.parse({
      attachmentId,
      variant,
      exp: one(q['exp']),
      sig: one(q['sig']),
    });
    this.links.verify(link);
    const { record, body, size } = await this.attachments.open(link.attachmentId, link.variant);
    const thumbnail = link.variant === 'thumbnail';
    const inline = thumbnail || INLINE_IMAGE_TYPES.has(record.type);
    res.status(200);
    res.setHeader('Content-Type', thumbnail ? 'image/webp' : record.type);
    res.setHeader('Content-Length', String(size));
    res.setHeader('Content-Disposition', contentDisposition(inline, record.name));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', DOWNLOAD_CSP);
    // The signature, not the page that asks, decides who may load it.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Cache-Control', `private, max-age=${this.links.remainingSeconds(link)}`);
    try {
      await pipeline(body, res);
    } catch (error) {
      // Once the file is under way (the client left, or the store failed mid-file) there is no
      // error to answer: the pipeline has ended the connection, which tells the client.
      if (!res.headersSent) throw error;
    }
  }

  private present(record: AttachmentRecord): Attachment {
    return this.links.present(record, INLINE_IMAGE_TYPES.has(record.type));
  }

  /**
   * The authenticated caller's id (a live session: a signed-out token is refused); each request
   * takes a point of their event budget.
   */
  private async caller(header: unknown): Promise<string> {
    const { user } = await this.auth.fromHeader(header);
    await this.limits.consume('event', user.id);
    return user.id;
  }
}

const one = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** The declared body length; an upload must declare it, so limits apply before any byte. */
function contentLength(header: string | undefined): number {
  if (header === undefined || !/^\d{1,15}$/.test(header)) {
    throw new ChatError('BAD_REQUEST', 'send the file with a Content-Length');
  }
  return Number(header);
}

/** `inline` or `attachment`, with the name as ASCII and as UTF-8 (RFC 6266). */
function contentDisposition(inline: boolean, name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const utf8 = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}
