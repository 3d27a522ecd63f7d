/** One sign-in: what a token's `sid` names. Times are ISO-8601 (UTC). */
export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  /** The browser's `User-Agent` when it began, for the person to tell their sessions apart. */
  userAgent?: string;
  /** When it was signed out or revoked; a revoked session's tokens are refused. */
  revokedAt?: string;
}

/**
 * The sign-in sessions of every user, shared by every replica: a token is accepted only while
 * its session is here, unexpired and not revoked.
 *
 * Guarantees:
 * - `save` writes a session (a renewal moves its expiry); a revoked session stays revoked.
 * - `get` is strongly consistent: once `revoke` has returned, every `get` sees `revokedAt`.
 * - `revoke` ends only a session of `userId`: false when it is someone else's, unknown or
 *   already revoked.
 * - `list` gives a user's live sessions (neither revoked nor expired at `now`), newest first.
 */
export abstract class SessionStore {
  abstract save(session: SessionRecord): Promise<void>;
  abstract get(id: string): Promise<SessionRecord | undefined>;
  abstract list(userId: string, now: string): Promise<SessionRecord[]>;
  abstract revoke(userId: string, id: string, now: string): Promise<boolean>;
  abstract close(): Promise<void>;
}
