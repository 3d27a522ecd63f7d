import { ChatError } from '@chat/contracts';
import { randomUUID } from 'node:crypto';
import type { SessionRecord, SessionStore } from '../ports/index.js';
import { systemClock, type Clock } from './clock.js';

/** Longest `User-Agent` kept with a session. */
const MAX_USER_AGENT = 200;

/** A token that names a session that has ended: signed out, revoked or expired. */
export class SessionEndedError extends ChatError {
  constructor() {
    super('UNAUTHORIZED', 'this session has ended; sign in again');
  }
}

/**
 * The sign-in sessions behind issued tokens: started at sign-in, checked on every connection
 * and REST request, ended by signing out or by the person revoking it from another session.
 */
export class SessionService {
  constructor(
    private readonly sessions: SessionStore,
    private readonly clock: Clock = systemClock,
  ) {}

  async start(userId: string, expiresAt: Date, userAgent?: string): Promise<SessionRecord> {
    const session: SessionRecord = {
      id: randomUUID(),
      userId,
      createdAt: this.clock().toISOString(),
      expiresAt: expiresAt.toISOString(),
      ...(userAgent && { userAgent: userAgent.slice(0, MAX_USER_AGENT) }),
    };
    await this.sessions.save(session);
    return session;
  }

  /** Moves a live session's expiry (a guest renewing their name); ended sessions stay ended. */
  async renew(session: SessionRecord, expiresAt: Date): Promise<void> {
    await this.sessions.save({ ...session, expiresAt: expiresAt.toISOString() });
  }

  /** The live session `sessionId` of `userId`; `SessionEndedError` otherwise. */
  async check(userId: string, sessionId: string): Promise<SessionRecord> {
    const session = await this.sessions.get(sessionId);
    if (
      !session ||
      session.userId !== userId ||
      session.revokedAt !== undefined ||
      Date.parse(session.expiresAt) <= this.clock().getTime()
    ) {
      throw new SessionEndedError();
    }
    return session;
  }

  list(userId: string): Promise<SessionRecord[]> {
    return this.sessions.list(userId, this.clock().toISOString());
  }

  /** Ends one of the user's sessions; `NOT_FOUND` when it is not theirs or already ended. */
  async revoke(userId: string, sessionId: string): Promise<void> {
    if (!(await this.sessions.revoke(userId, sessionId, this.clock().toISOString()))) {
      throw new ChatError('NOT_FOUND', 'no such session');
    }
  }
}
