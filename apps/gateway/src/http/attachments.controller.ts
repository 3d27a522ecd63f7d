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
import { AttachmentLinks } from '../attachments/attachment-links.js';
import { Authenticator } from '../auth/authenticator.js';
import { RateLimits } from '../chat/rate-limits.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { AcceptsFileBody } from './browser-request.guard.js';
import { declaredLength, one, restCaller, sendFile, type QueryParams } from './rest.js';

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
    const length = declaredLength(req.headers['content-length'], 'file');
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
    await sendFile(res, {
      type: thumbnail ? 'image/webp' : record.type,
      size,
      disposition: contentDisposition(inline, record.name),
      cacheSeconds: this.links.remainingSeconds(link),
      body,
    });
  }

  private present(record: AttachmentRecord): Attachment {
    return this.links.present(record, INLINE_IMAGE_TYPES.has(record.type));
  }

  private async caller(header: unknown): Promise<string> {
    return (await restCaller(this.auth, this.limits, header)).id;
  }
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
