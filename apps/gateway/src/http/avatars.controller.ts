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
import { AvatarLinks } from '../attachments/avatar-links.js';
import { Authenticator } from '../auth/authenticator.js';
import { RateLimits } from '../chat/rate-limits.js';
import { AcceptsFileBody } from './browser-request.guard.js';
import { declaredLength, one, restCaller, sendFile, type QueryParams } from './rest.js';

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
    const length = declaredLength(req.headers['content-length'], 'image');
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
    await sendFile(res, {
      type: 'image/webp',
      size,
      disposition: 'inline; filename="avatar.webp"',
      cacheSeconds: this.links.remainingSeconds(link),
      body,
    });
  }

  private async caller(header: unknown): Promise<string> {
    return (await restCaller(this.auth, this.limits, header)).id;
  }
}
