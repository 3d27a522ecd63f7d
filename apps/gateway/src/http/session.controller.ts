import { SessionRequestSchema, type SessionResponse } from '@chat/contracts';
import { UserService } from '@chat/core';
import { Body, Controller, Headers, HttpCode, Inject, Ip, Post } from '@nestjs/common';
import { bearerToken } from '../auth/bearer.js';
import { TokenService } from '../auth/token.service.js';
import { RateLimits } from '../chat/rate-limits.js';
import { clientIp } from './client-ip.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ChatError } from '@chat/contracts';

/**
 * Guest sign-in: a name becomes a signed session token. Sent with the holder's own valid token
 * (`Authorization: Bearer`), it renews their claim: same user, a token with a new expiry.
 */
@Controller('chat/session')
export class SessionController {
  constructor(
    @Inject(UserService) private readonly users: UserService,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RateLimits) private readonly limits: RateLimits,
  ) {}

  @Post()
  @HttpCode(201)
  async create(
    @Body() body: unknown,
    @Headers('authorization') auth: unknown,
    @Headers('x-forwarded-for') forwardedFor: string | undefined,
    @Ip() peer: string | undefined,
  ): Promise<SessionResponse> {
    if (this.config.auth.mode !== 'guest') {
      throw new ChatError('FORBIDDEN', 'guest sessions are disabled; sign in with your token');
    }
    // Per client IP: one visitor cannot mint a crowd of users.
    const ip = clientIp(peer, forwardedFor, this.config.socketLimits.trustedProxyHops);
    await this.limits.consume('session', ip);
    const { name } = SessionRequestSchema.parse(body ?? {});
    const { identity, expiresAt } = await this.users.claimGuest(
      name,
      this.config.auth.guestTokenTtlMs,
      await this.holder(auth),
    );
    return { token: await this.tokens.issueGuest(identity, expiresAt), user: identity };
  }

  /** The caller's user id when they present a valid token; a stale one is just a new claim. */
  private async holder(auth: unknown): Promise<string | undefined> {
    const token = bearerToken(auth);
    if (token === undefined) return undefined;
    return this.tokens.verify(token).then(
      (identity) => identity.id,
      () => undefined,
    );
  }
}
