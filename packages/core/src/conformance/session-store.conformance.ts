import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionRecord, SessionStore } from '../ports/session-store.port.js';
import { uniqueId, type ConformanceFactory } from './harness.js';

const HOUR = 3_600_000;
const at = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();

/** The SessionStore guarantees: save, consistent get, revocation that sticks, live listing. */
export function describeSessionStoreConformance(
  name: string,
  factory: ConformanceFactory<SessionStore>,
): void {
  describe(name, () => {
    let sut!: SessionStore;
    let cleanup!: () => Promise<void>;
    beforeAll(async () => ({ sut, cleanup } = await factory()));
    afterAll(() => cleanup());

    const session = (userId: string, createdOffsetMs = 0, ttlMs = HOUR): SessionRecord => ({
      id: uniqueId('sid'),
      userId,
      createdAt: at(createdOffsetMs),
      expiresAt: at(createdOffsetMs + ttlMs),
    });

    it('saves a session and gets it back as saved', async () => {
      const s = { ...session(uniqueId('user')), userAgent: 'Mozilla/5.0 (X11; Linux)' };
      await sut.save(s);
      expect(await sut.get(s.id)).toEqual(s);
      expect(await sut.get(uniqueId('sid'))).toBeUndefined();
    });

    it('moves the expiry of a renewed session', async () => {
      const s = session(uniqueId('user'));
      await sut.save(s);
      const renewed = at(5 * HOUR);
      await sut.save({ ...s, expiresAt: renewed });
      expect(await sut.get(s.id)).toEqual({ ...s, expiresAt: renewed });
    });

    it('revokes a session of its own user only, once, and keeps it revoked', async () => {
      const userId = uniqueId('user');
      const s = session(userId);
      await sut.save(s);
      expect(await sut.revoke(uniqueId('other'), s.id, at(0))).toBe(false);
      expect((await sut.get(s.id))?.revokedAt).toBeUndefined();
      expect(await sut.revoke(userId, s.id, at(0))).toBe(true);
      expect((await sut.get(s.id))?.revokedAt).toBeDefined();
      expect(await sut.revoke(userId, s.id, at(1000))).toBe(false);
      // A renewal racing the sign-out does not bring it back.
      await sut.save({ ...s, expiresAt: at(5 * HOUR) });
      expect((await sut.get(s.id))?.revokedAt).toBeDefined();
      expect(await sut.revoke(userId, uniqueId('sid'), at(0))).toBe(false);
    });

    it('lists a user’s live sessions newest first, without revoked or expired ones', async () => {
      const userId = uniqueId('user');
      const older = session(userId, -2 * HOUR, 4 * HOUR);
      const newer = session(userId, -HOUR, 4 * HOUR);
      const expired = session(userId, -3 * HOUR, HOUR);
      const revoked = session(userId, -30 * 60_000, 4 * HOUR);
      const someoneElses = session(uniqueId('user'));
      for (const s of [older, newer, expired, revoked, someoneElses]) await sut.save(s);
      await sut.revoke(userId, revoked.id, at(0));
      expect((await sut.list(userId, at(0))).map((s) => s.id)).toEqual([newer.id, older.id]);
      expect(await sut.list(uniqueId('user'), at(0))).toEqual([]);
    });
  });
}
