import { ChatError } from '@chat/contracts';
import type { Identity, SessionService } from '@chat/core';
import { bearerToken } from './bearer.js';
import type { TokenService } from './token.service.js';

/** An authenticated caller: who, and the session their token belongs to, if it names one. */
export interface Caller {
  user: Identity;
  sessionId?: string;
}

/**
 * The one check every connection and REST request passes: a valid token whose session is
 * live (not signed out, revoked or expired) in the session store every replica shares.
 * Tokens from an identity provider (JWT mode) name no session and are checked by signature,
 * issuer, audience and expiry alone. Session tokens from before sessions existed carry no
 * `sid`: they are taken until they expire (GUEST_TOKEN_TTL_DAYS) and cannot be revoked.
 */
export class Authenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionService,
  ) {}

  async authenticate(token: unknown): Promise<Caller> {
    const verified = await this.tokens.verify(token);
    if (verified.sessionId !== undefined) {
      await this.sessions.check(verified.user.id, verified.sessionId);
    }
    return verified;
  }

  /** The caller of an `Authorization: Bearer` header; `UNAUTHORIZED` without one. */
  async fromHeader(header: unknown): Promise<Caller> {
    const token = bearerToken(header);
    if (token === undefined) {
      throw new ChatError('UNAUTHORIZED', 'send Authorization: Bearer <token>');
    }
    return this.authenticate(token);
  }

  /** The caller when the header holds a live token; undefined for none or a stale one. */
  async optional(header: unknown): Promise<Caller | undefined> {
    const token = bearerToken(header);
    if (token === undefined) return undefined;
    return this.authenticate(token).catch(() => undefined);
  }
}
