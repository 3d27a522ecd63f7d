import {
  AccountRequestSchema,
  ChatError,
  SessionRequestSchema,
  type SessionListResponse,
  type SessionResponse,
} from '@chat/contracts';
import {
  accountKey,
  SessionService,
  UserService,
  WrongPasswordError,
  type Identity,
} from '@chat/core';
import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Ip,
  Param,
  Post,
} from '@nestjs/common';
import { z } from 'zod';
import { Authenticator, type Caller } from '../auth/authenticator.js';
import { TokenService } from '../auth/token.service.js';
import { RateLimits } from '../chat/rate-limits.js';
import { SocketNotifier } from '../chat/socket-notifier.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { clientIp } from './client-ip.js';

const SessionIdSchema = z.string().min(1).max(64);

/**
 * Sign-up, sign-in (account or guest), sign-out and the caller's list of sessions. Every
 * token issued here names its session; signing out or revoking a session ends it on every
 * replica at once, closing its sockets. Sent with the holder's own valid token
 * (`Authorization: Bearer`), a guest sign-in renews their claim and a sign-up makes the
 * guest's name an account: same user, same rooms.
 */
@Controller('chat')
export class SessionController {
  constructor(
    @Inject(UserService) private readonly users: UserService,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(Authenticator) private readonly auth: Authenticator,
    @Inject(SocketNotifier) private readonly notifier: SocketNotifier,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RateLimits) private readonly limits: RateLimits,
  ) {}

  @Post('session')
  @HttpCode(201)
  async signIn(
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @Ip() peer: string | undefined,
  ): Promise<SessionResponse> {
    this.requireMode('a password or a name');
    // Per client IP: one visitor cannot mint a crowd of users or try passwords at speed.
    const ip = this.clientIp(peer, headers);
    await this.limits.consume('session', ip);
    const { name, password } = SessionRequestSchema.parse(body ?? {});
    if (password !== undefined) return this.signInWithPassword(name, password, ip, headers);
    if (this.config.auth.mode !== 'guest') {
      throw new ChatError('FORBIDDEN', 'guest sign-in is disabled; sign in with your password');
    }
    const holder = await this.auth.optional(headers['authorization']);
    const ttl = this.config.auth.guestTokenTtlMs;
    const { identity, expiresAt } = await this.users.claimGuest(name, ttl, holder?.user.id);
    return this.respond(identity, expiresAt, false, headers, holder);
  }

  @Post('account')
  @HttpCode(201)
  async signUp(
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @Ip() peer: string | undefined,
  ): Promise<SessionResponse> {
    this.requireMode('an account');
    await this.limits.consume('session', this.clientIp(peer, headers));
    const { name, password } = AccountRequestSchema.parse(body ?? {});
    const holder = await this.auth.optional(headers['authorization']);
    const identity = await this.users.signUp(name, password, holder?.user.id);
    return this.respond(identity, this.sessionExpiry(), true, headers, holder);
  }

  /** Signs out: the caller's session ends everywhere; a guest's name is freed with their last. */
  @Delete('session')
  @HttpCode(204)
  async signOut(@Headers('authorization') header: unknown): Promise<void> {
    const caller = await this.auth.fromHeader(header);
    if (caller.sessionId === undefined) return;
    await this.end(caller.user.id, caller.sessionId);
    if ((await this.sessions.list(caller.user.id)).length === 0) {
      await this.users.releaseGuest(caller.user.id);
    }
  }

  @Get('sessions')
  async list(@Headers('authorization') header: unknown): Promise<SessionListResponse> {
    const caller = await this.auth.fromHeader(header);
    await this.limits.consume('event', caller.user.id);
    const sessions = await this.sessions.list(caller.user.id);
    return {
      sessions: sessions.map(({ id, createdAt, expiresAt, userAgent }) => ({
        id,
        createdAt,
        expiresAt,
        ...(userAgent !== undefined && { userAgent }),
        current: id === caller.sessionId,
      })),
    };
  }

  /** Revokes one of the caller's sessions (another device); `NOT_FOUND` if not theirs. */
  @Delete('sessions/:sessionId')
  @HttpCode(204)
  async revoke(
    @Headers('authorization') header: unknown,
    @Param('sessionId') raw: string,
  ): Promise<void> {
    const caller = await this.auth.fromHeader(header);
    await this.limits.consume('event', caller.user.id);
    await this.end(caller.user.id, SessionIdSchema.parse(raw));
  }

  private async signInWithPassword(
    name: string,
    password: string,
    ip: string,
    headers: Record<string, string | undefined>,
  ): Promise<SessionResponse> {
    const key = accountKey(name);
    await this.limits.ensureLeft('signin-ip', ip);
    await this.limits.ensureLeft('signin-account', key);
    let identity: Identity;
    try {
      identity = await this.users.signIn(name, password);
    } catch (error) {
      if (error instanceof WrongPasswordError) {
        await this.limits.consume('signin-ip', ip).catch(ignoreRateLimited);
        await this.limits.consume('signin-account', key).catch(ignoreRateLimited);
      }
      throw error;
    }
    await this.limits.reset('signin-account', key);
    return this.respond(identity, this.sessionExpiry(), true, headers);
  }

  /** A token for `identity`: the holder's session renewed, or a new session. */
  private async respond(
    identity: Identity,
    expiresAt: Date,
    account: boolean,
    headers: Record<string, string | undefined>,
    holder?: Caller,
  ): Promise<SessionResponse> {
    let sessionId: string;
    if (holder?.sessionId !== undefined && holder.user.id === identity.id) {
      const session = await this.sessions.check(identity.id, holder.sessionId);
      await this.sessions.renew(session, expiresAt);
      sessionId = session.id;
    } else {
      sessionId = (await this.sessions.start(identity.id, expiresAt, headers['user-agent'])).id;
    }
    return {
      token: await this.tokens.issue(identity, sessionId, expiresAt),
      user: identity,
      sessionId,
      account,
    };
  }

  private async end(userId: string, sessionId: string): Promise<void> {
    await this.sessions.revoke(userId, sessionId);
    this.notifier.endSession(sessionId);
  }

  private sessionExpiry(): Date {
    return new Date(Date.now() + this.config.auth.guestTokenTtlMs);
  }

  private requireMode(what: string): void {
    if (this.config.auth.mode === 'jwt') {
      throw new ChatError(
        'FORBIDDEN',
        `this chat signs in through its identity provider, not with ${what}`,
      );
    }
  }

  private clientIp(peer: string | undefined, headers: Record<string, string | undefined>) {
    return clientIp(peer, headers['x-forwarded-for'], this.config.socketLimits.trustedProxyHops);
  }
}

/** A failure is still counted when its limit is already spent; the attempt's answer stands. */
const ignoreRateLimited = (error: unknown): void => {
  if (!(error instanceof ChatError && error.code === 'RATE_LIMITED')) throw error;
};
