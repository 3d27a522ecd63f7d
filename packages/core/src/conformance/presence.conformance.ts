import { pollUntil } from '@chat/test-support/poll';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceStore } from '../ports/presence.port.js';
import { uniqueId, type ConformanceFactory } from './harness.js';

/** The PresenceStore guarantees: first/last connection semantics, states, typing throttle. */
export function describePresenceConformance(
  name: string,
  factory: ConformanceFactory<PresenceStore>,
): void {
  describe(name, () => {
    let sut!: PresenceStore;
    let cleanup!: () => Promise<void>;
    beforeAll(async () => ({ sut, cleanup } = await factory()));
    afterAll(() => cleanup());

    it('reports only the first connection and the last disconnection', async () => {
      const user = uniqueId('user');
      expect(await sut.connect(user, 'c1')).toBe(true);
      expect(await sut.connect(user, 'c2')).toBe(false);
      expect(await sut.disconnect(user, 'c1', new Date().toISOString())).toBe(false);
      expect(await sut.disconnect(user, 'c2', new Date().toISOString())).toBe(true);
      expect(await sut.connect(user, 'c3')).toBe(true);
    });

    it('ignores the disconnection of a connection it does not know', async () => {
      const user = uniqueId('user');
      await sut.connect(user, 'c1');
      expect(await sut.disconnect(user, 'unknown', new Date().toISOString())).toBe(false);
      expect((await sut.states([user])).get(user)?.online).toBe(true);
      expect(await sut.disconnect(uniqueId('user'), 'c1', new Date().toISOString())).toBe(false);
    });

    it('reports online while any connection stays and lastSeenAt once all are gone', async () => {
      const [user, never] = [uniqueId('user'), uniqueId('user')];
      const leftAt = new Date(Date.UTC(2030, 0, 1)).toISOString();
      await sut.connect(user, 'c1');
      await sut.connect(user, 'c2');
      await sut.disconnect(user, 'c1', new Date().toISOString());
      expect((await sut.states([user])).get(user)?.online).toBe(true);
      await sut.disconnect(user, 'c2', leftAt);
      const states = await sut.states([user, never]);
      expect(states.get(user)).toEqual({ online: false, lastSeenAt: leftAt });
      expect(states.get(never)?.online).toBe(false);
      expect(states.get(never)?.lastSeenAt).toBeUndefined();
    });

    it('allows typing once per window per user and room', async () => {
      const [user, other] = [uniqueId('user'), uniqueId('user')];
      const [room, room2] = [uniqueId('room'), uniqueId('room')];
      expect(await sut.allowTyping(user, room, 10_000)).toBe(true);
      expect(await sut.allowTyping(user, room, 10_000)).toBe(false);
      expect(await sut.allowTyping(user, room2, 10_000)).toBe(true);
      expect(await sut.allowTyping(other, room, 10_000)).toBe(true);
    });

    it('allows typing again once the window has passed', async () => {
      const [user, room] = [uniqueId('user'), uniqueId('room')];
      expect(await sut.allowTyping(user, room, 150)).toBe(true);
      expect(await sut.allowTyping(user, room, 150)).toBe(false);
      const started = Date.now();
      await pollUntil(
        () => sut.allowTyping(user, room, 150),
        (allowed) => allowed,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    });
  });
}
