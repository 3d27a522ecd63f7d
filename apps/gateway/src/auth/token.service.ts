import { ChatError } from '@chat/contracts';
import type { Identity } from '@chat/core';
import {
  createRemoteJWKSet,
  jwtVerify,
  SignJWT,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/config.js';

const GUEST_ISSUER = 'chat-guest';
const SECRET_FILE = 'auth-secret';
/** Longest `sub` (user id) accepted from any token: the longest user id a payload may name. */
export const MAX_SUBJECT_LENGTH = 128;
/** A compact JWS exactly: three base64url parts, nothing around them (no whitespace to trim). */
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** What a verified token proves: who, and (for tokens this gateway issued) which session. */
export interface VerifiedToken {
  user: Identity;
  /** The `sid` claim: the sign-in session the token belongs to; absent in JWT mode. */
  sessionId?: string;
}

/**
 * Issues session tokens and verifies every token the gateway sees. Its own tokens (guest and
 * account sessions) are HS256 with a secret from `AUTH_SECRET` or generated once into the data
 * folder, and name their session in `sid`. In JWT mode tokens come
 * from the operator's identity provider: HS256 with `JWT_SECRET`, or RS256/ES256 via JWKS, and
 * must carry the configured `iss` and `aud`; the accepted algorithms are fixed, so `alg: none`
 * and HS/RS confusion are rejected. A token is taken exactly as sent: anything but a compact
 * JWS (surrounding whitespace included) is refused, never trimmed.
 */
export class TokenService {
  private readonly guestKey: Uint8Array;
  private readonly jwtKey: Uint8Array | JWTVerifyGetKey | undefined;

  constructor(
    private readonly config: AppConfig['auth'],
    dataDir: string,
  ) {
    this.guestKey = new TextEncoder().encode(config.secret ?? loadOrCreateSecret(dataDir));
    if (config.mode === 'jwt') {
      if (!config.issuer || !config.audience) {
        throw new Error('AUTH_MODE=jwt needs an issuer and an audience to verify');
      }
      this.jwtKey = config.jwksUrl
        ? createRemoteJWKSet(new URL(config.jwksUrl))
        : new TextEncoder().encode(config.jwtSecret);
    }
  }

  /**
   * A key for another signature of this deployment (e.g. download links), derived from the
   * guest-token secret so every replica that shares that secret derives the same key.
   */
  deriveKey(purpose: string): Buffer {
    return createHmac('sha256', this.guestKey).update(purpose).digest();
  }

  get mode(): AppConfig['auth']['mode'] {
    return this.config.mode;
  }

  async issue(identity: Identity, sessionId: string, expiresAt: Date): Promise<string> {
    return new SignJWT({ name: identity.name, sid: sessionId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(identity.id)
      .setIssuer(GUEST_ISSUER)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.guestKey);
  }

  /** What a token proves, or `UNAUTHORIZED`; whether its session is live is checked apart. */
  async verify(token: unknown): Promise<VerifiedToken> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) {
      throw new ChatError('UNAUTHORIZED', 'a token is required');
    }
    if (!COMPACT_JWS.test(token)) throw new ChatError('UNAUTHORIZED', 'the token is malformed');
    try {
      const payload = await this.verifyPayload(token);
      const sid = this.config.mode === 'jwt' ? undefined : payload['sid'];
      return {
        user: toIdentity(payload),
        ...(typeof sid === 'string' && sid.length > 0 && { sessionId: sid }),
      };
    } catch (error) {
      if (error instanceof ChatError) throw error;
      throw new ChatError('UNAUTHORIZED', 'the token is invalid or expired');
    }
  }

  private async verifyPayload(token: string): Promise<JWTPayload> {
    if (this.config.mode !== 'jwt') {
      const { payload } = await jwtVerify(token, this.guestKey, {
        algorithms: ['HS256'],
        issuer: GUEST_ISSUER,
        requiredClaims: ['exp', 'sub'],
      });
      return payload;
    }
    const options = {
      requiredClaims: ['exp', 'sub', 'iss', 'aud'],
      issuer: this.config.issuer,
      audience: this.config.audience,
    };
    const key = this.jwtKey;
    if (key instanceof Uint8Array) {
      return (await jwtVerify(token, key, { ...options, algorithms: ['HS256'] })).payload;
    }
    if (!key) throw new ChatError('UNAUTHORIZED', 'no verification key configured');
    return (await jwtVerify(token, key, { ...options, algorithms: ['RS256', 'ES256'] })).payload;
  }
}

const toIdentity = (payload: JWTPayload): Identity => {
  const id = payload.sub;
  // jose checks that `sub` is present, not that it is a string: an identity provider (or
  // anyone holding the HS256 secret) could otherwise make the user id a number or an object.
  if (typeof id !== 'string' || id.length === 0) {
    throw new ChatError('UNAUTHORIZED', 'the token has no subject');
  }
  if (id.length > MAX_SUBJECT_LENGTH) {
    throw new ChatError(
      'UNAUTHORIZED',
      `the token's subject is over ${MAX_SUBJECT_LENGTH} characters`,
    );
  }
  const name = [payload['name'], payload['preferred_username']].find(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
  return { id, name: name ?? id };
};

function loadOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, SECRET_FILE);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  // `wx` fails if another process created it first; then read theirs.
  try {
    writeFileSync(file, secret, { flag: 'wx', mode: 0o600 });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readFileSync(file, 'utf8').trim();
  }
}
