import { SetProfileSchema, type User } from '@chat/contracts';
import { ProfileService } from '@chat/core';
import { Body, Controller, Headers, Inject, Put } from '@nestjs/common';
import { Authenticator } from '../auth/authenticator.js';
import { RateLimits } from '../chat/rate-limits.js';
import { restCaller } from './rest.js';

/** The caller's own profile; the same change as the `set_profile` event. */
@Controller('chat/profile')
export class ProfileController {
  constructor(
    @Inject(Authenticator) private readonly auth: Authenticator,
    @Inject(ProfileService) private readonly profiles: ProfileService,
    @Inject(RateLimits) private readonly limits: RateLimits,
  ) {}

  /** Sets the display name; everyone in the caller's rooms gets `user_updated`. */
  @Put()
  async update(
    @Headers('authorization') header: unknown,
    @Body() body: unknown,
  ): Promise<{ user: Omit<User, 'online'> }> {
    const user = await restCaller(this.auth, this.limits, header);
    const { displayName } = SetProfileSchema.parse(body ?? {});
    return { user: await this.profiles.setDisplayName(user.id, displayName) };
  }
}
