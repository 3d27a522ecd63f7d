import { SessionRequestSchema, type SessionResponse } from '@chat/contracts';
import { UserService } from '@chat/core';
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { TokenService } from '../auth/token.service.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ChatError } from '@chat/contracts';

/** Guest sign-in: a name becomes a signed session token. */
@Controller('chat/session')
export class SessionController {
  constructor(
    @Inject(UserService) private readonly users: UserService,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown): Promise<SessionResponse> {
    if (this.config.auth.mode !== 'guest') {
      throw new ChatError('FORBIDDEN', 'guest sessions are disabled; sign in with your token');
    }
    const { name } = SessionRequestSchema.parse(body ?? {});
    const { identity, expiresAt } = await this.users.claimGuest(
      name,
      this.config.auth.guestTokenTtlMs,
    );
    return { token: await this.tokens.issueGuest(identity, expiresAt), user: identity };
  }
}
