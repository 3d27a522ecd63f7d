import { AVATAR_MAX_BYTES, AvatarLinkSchema, ChatError } from '@chat/contracts';
import { AvatarService, ProfileService, type Profile } from '@chat/core';
import {
  Controller,
  Delete,
  Get,
  Headers,
  Inject,
  Param,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { AvatarLinks } from '../attachments/avatar-links.js';
import { Authenticator } from '../auth/authenticator.js';
import { RateLimits } from '../chat/rate-limits.js';
import { AcceptsFileBody } from './browser-request.guard.js';

type QueryParams = Record<string, string | string[] | undefined>;

/** Policy of a served picture: it may never run as a page of this origin. */
const DOWNLOAD_CSP = "default-src 'none'; sandbox";

/**
 * The caller's avatar (`PUT /chat/profile/avatar`, the image's bytes as the body;
 * `DELETE /chat/profile/avatar`) and avatars through signed links
 * (`GET /chat/avatars/:avatarId?exp&sig`).
 */
@Controller('chat')
export class AvatarsController {
  constructor(
    @Inject(Authenticator) private readonly auth: Authenticator,
    @Inject(ProfileService) private readonly profiles: ProfileService,
    @Inject(AvatarService) private readonly avatars: AvatarService,
    @Inject(AvatarLinks) private readonly links: AvatarLinks,
    @Inject(RateLimits) private readonly limits: RateLimits,
  ) {}

  /** Sets the avatar; everyone in the caller's rooms gets `user_updated`. */
  @Put('profile/avatar')
  @AcceptsFileBody()
  async upload(
    @Headers('authorization') header: unknown,
    @Req() req: Request,
  ): Promise<{ user: Profile }> {
    const userId = await this.caller(header);
    const length = contentLength(req.headers['content-length']);
    if (length > AVATAR_MAX_BYTES) {
      throw new ChatError(
        'PAYLOAD_TOO_LARGE',
        `an avatar may be at most ${AVATAR_MAX_BYTES} bytes`,
      );
    }
    await this.limits.consume('upload', userId, length);
    return { user: await this.profiles.setAvatar(userId, req, length) };
  }

  /** Removes the avatar; everyone in the caller's rooms gets `user_updated`. */
  @Delete('profile/avatar')
  async remove(@Headers('authorization') header: unknown): Promise<{ user: Profile }> {
    return { user: await this.profiles.removeAvatar(await this.caller(header)) };
  }

  @Get('avatars/:avatarId')
  async download(
    @Param('avatarId') avatarId: string,
    @Query() q: QueryParams,
    @Res() res: Response,
  ): Promise<void> {
    const link = AvatarLinkSchema.parse({ avatarId, exp: one(q['exp']), sig: one(q['sig']) });
    this.links.verify(link);
    const { body, size } = await this.avatars.open(link.avatarId);
    res.status(200);
    res.setHeader('Content-Type', 'image/webp');
    res.setHeader('Content-Length', String(size));
    res.setHeader('Content-Disposition', 'inline; filename="avatar.webp"');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', DOWNLOAD_CSP);
    // The signature, not the page that asks, decides who may load it.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Cache-Control', `private, max-age=${this.links.remainingSeconds(link)}`);
    try {
      await pipeline(body, res);
    } catch (error) {
      // Once the picture is under way there is no error to answer: the connection has ended.
      if (!res.headersSent) throw error;
    }
  }

  /** The authenticated caller's id; each request takes a point of their event budget. */
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
    throw new ChatError('BAD_REQUEST', 'send the image with a Content-Length');
  }
  return Number(header);
}
