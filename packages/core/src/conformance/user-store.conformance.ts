import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NameClaim, UserStore } from '../ports/user-store.port.js';
import { uniqueId, type ConformanceFactory } from './harness.js';

const HOUR = 3_600_000;
const at = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();

/**
 * The UserStore guarantees: atomic name claims that expire, accounts that never do, display
 * names, touch, lookup and prefix listing.
 */
export function describeUserStoreConformance(
  name: string,
  factory: ConformanceFactory<UserStore>,
): void {
  describe(name, () => {
    let sut!: UserStore;
    let cleanup!: () => Promise<void>;
    beforeAll(async () => ({ sut, cleanup } = await factory()));
    afterAll(() => cleanup());

    /** A fresh lower-case id and its display name in another case. */
    const person = () => {
      const id = uniqueId('user');
      return { id, name: id.toUpperCase() };
    };

    /** The claim of the name whose key and first id are `user.id`, as `UserService` builds it. */
    const claimOf = (
      user: { id: string; name: string },
      now: string,
      expiresAt: string,
      holderId?: string,
    ): NameClaim => ({
      key: user.id,
      id: user.id,
      name: user.name,
      now,
      expiresAt,
      freshId: uniqueId(`${user.id}~`),
      ...(holderId !== undefined && { holderId }),
    });
    const claim = (
      user: { id: string; name: string },
      now: string,
      expiresAt: string,
      holderId?: string,
    ) => sut.claimName(claimOf(user, now, expiresAt, holderId));

    it('claims a new name under its key as the user id and records the user', async () => {
      const user = person();
      expect(await claim(user, at(0), at(HOUR))).toBe(user.id);
      const [record, ...rest] = await sut.get([user.id]);
      expect(rest).toEqual([]);
      expect(record).toMatchObject({ id: user.id, name: user.name });
    });

    it('lets exactly one of many concurrent claims of a name win', async () => {
      const user = person();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => claim(user, at(0), at(HOUR))),
      );
      expect(results.filter((id) => id !== undefined)).toEqual([user.id]);
    });

    it('refuses a held name until its claim expires', async () => {
      const user = person();
      expect(await claim(user, at(-3 * HOUR), at(-HOUR))).toBe(user.id);
      expect(await claim(user, at(-2 * HOUR), at(HOUR))).toBeUndefined();
      expect(await claim(user, at(0), at(HOUR))).toBeDefined();
      expect(await claim(user, at(1000), at(2 * HOUR))).toBeUndefined();
    });

    it('gives whoever takes an expired name a new id, never the earlier holder', async () => {
      const user = person();
      expect(await claim(user, at(-3 * HOUR), at(-HOUR))).toBe(user.id);
      const next = await claim({ id: user.id, name: user.id }, at(0), at(HOUR));
      expect(next).toBeDefined();
      expect(next).not.toBe(user.id);
      // A claimant presenting the lapsed holder's id does not get it back either.
      expect(await claim(user, at(2 * HOUR), at(3 * HOUR), user.id)).not.toBe(user.id);
      const records = await sut.get([user.id, next ?? '']);
      expect(records.map((r) => r.id).sort()).toEqual([user.id, next].sort());
    });

    it('holds a name under its key: a claim of another spelling with the same key is refused', async () => {
      const user = person();
      expect(await claim(user, at(0), at(HOUR))).toBe(user.id);
      const lookalike = { key: user.id, id: `${user.id}-lookalike`, name: 'Look-alike' };
      expect(
        await sut.claimName({
          ...lookalike,
          now: at(0),
          expiresAt: at(HOUR),
          freshId: uniqueId('x'),
        }),
      ).toBeUndefined();
    });

    it('renews a held name for its holder only, keeping their id', async () => {
      const user = person();
      expect(await claim(user, at(0), at(HOUR))).toBe(user.id);
      expect(await claim(user, at(1000), at(2 * HOUR), user.id)).toBe(user.id);
      expect(await claim(user, at(2000), at(3 * HOUR), 'someone-else')).toBeUndefined();
      expect(await claim(user, at(2000), at(3 * HOUR))).toBeUndefined();
      // The renewal moved the expiry: at 90 minutes the name is still held.
      expect(await claim(user, at(90 * 60_000), at(4 * HOUR))).toBeUndefined();
    });

    it('touches a new or existing user without failing', async () => {
      const user = person();
      await sut.touch(user, at(0));
      await sut.touch(user, at(1000));
      expect(await sut.get([user.id])).toEqual([
        expect.objectContaining({ id: user.id, name: user.name }),
      ]);
      const claimed = person();
      await claim(claimed, at(0), at(HOUR));
      await expect(sut.touch(claimed, at(0))).resolves.toBeUndefined();
    });

    it('gets the known users among the ids', async () => {
      const [a, b] = [person(), person()];
      await sut.touch(a, at(0));
      await claim(b, at(0), at(HOUR));
      const found = await sut.get([b.id, uniqueId('user'), a.id]);
      expect(found.map((u) => u.id).sort()).toEqual([a.id, b.id].sort());
      expect(await sut.get([])).toEqual([]);
    });

    it('lists users by case-insensitive id or name prefix, ordered by id', async () => {
      const prefix = uniqueId('p').replaceAll('-', '');
      const ids = ['c', 'a', 'b'].map((s) => `${prefix}${s}`);
      for (const id of ids) await claim({ id, name: id.toUpperCase() }, at(0), at(HOUR));
      const sub = uniqueId('sub');
      await sut.touch({ id: sub, name: `Zed${prefix}` }, at(0));
      const listed = await sut.list(prefix.toUpperCase(), 10);
      expect(listed.map((u) => u.id)).toEqual([...ids].sort());
      expect((await sut.list(prefix, 2)).map((u) => u.id)).toEqual([...ids].sort().slice(0, 2));
      expect((await sut.list(`zED${prefix}`, 10)).map((u) => u.id)).toEqual([sub]);
      expect(await sut.list(`${prefix}x`, 10)).toEqual([]);
    });

    it('lists the first users by id when more match than the limit, however they are stored', async () => {
      const prefix = uniqueId('many').replaceAll('-', '');
      // Enough users that a store partitioning its directory holds them in several partitions.
      const ids = Array.from({ length: 40 }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);
      for (const id of [...ids].reverse()) await sut.touch({ id, name: `N${id}` }, at(0));
      expect((await sut.list(prefix, 7)).map((u) => u.id)).toEqual(ids.slice(0, 7));
      expect((await sut.list(prefix, 100)).map((u) => u.id)).toEqual(ids);
      expect((await sut.list(`n${prefix}1`, 3)).map((u) => u.id)).toEqual(ids.slice(10, 13));
    });

    const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA';

    it('claims a free name as an account that never lapses and keeps its credential', async () => {
      const user = person();
      expect(await sut.claimName({ ...claimOf(user, at(0), at(HOUR)), passwordHash: HASH })).toBe(
        user.id,
      );
      expect(await sut.credentials(user.id)).toEqual({ userId: user.id, passwordHash: HASH });
      // Long past the expiry it was asked for, nobody else can take it.
      expect(await claim(user, at(10 * HOUR), at(11 * HOUR))).toBeUndefined();
      const [record] = await sut.get([user.id]);
      expect(record).toMatchObject({ id: user.id, name: user.name });
    });

    it('refuses every later claim of an account’s name, its holder’s included', async () => {
      const user = person();
      await sut.claimName({ ...claimOf(user, at(0), at(HOUR)), passwordHash: HASH });
      expect(await claim(user, at(0), at(HOUR), user.id)).toBeUndefined();
      expect(
        await sut.claimName({
          ...claimOf(user, at(0), at(HOUR)),
          holderId: user.id,
          passwordHash: `${HASH}x`,
        }),
      ).toBeUndefined();
      expect(await sut.credentials(user.id)).toEqual({ userId: user.id, passwordHash: HASH });
    });

    it('turns a guest’s current claim into an account for that guest only, keeping the id', async () => {
      const user = person();
      expect(await claim(user, at(0), at(HOUR))).toBe(user.id);
      expect(
        await sut.claimName({ ...claimOf(user, at(0), at(HOUR)), passwordHash: HASH }),
      ).toBeUndefined();
      expect(
        await sut.claimName({
          ...claimOf(user, at(0), at(HOUR)),
          holderId: 'someone-else',
          passwordHash: HASH,
        }),
      ).toBeUndefined();
      expect(await sut.credentials(user.id)).toBeUndefined();
      expect(
        await sut.claimName({
          ...claimOf(user, at(0), at(HOUR)),
          holderId: user.id,
          passwordHash: HASH,
        }),
      ).toBe(user.id);
      expect(await sut.credentials(user.id)).toEqual({ userId: user.id, passwordHash: HASH });
    });

    it('lets exactly one of many concurrent sign-ups of a name win', async () => {
      const user = person();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          sut.claimName({ ...claimOf(user, at(0), at(HOUR)), passwordHash: `${HASH}${i}` }),
        ),
      );
      expect(results.filter((id) => id !== undefined)).toEqual([user.id]);
      const credential = await sut.credentials(user.id);
      expect(credential?.userId).toBe(user.id);
    });

    it('releases a guest’s name for its holder only, and never an account’s', async () => {
      const guest = person();
      await claim(guest, at(0), at(HOUR));
      await sut.releaseName(guest.id, 'someone-else', at(0));
      expect(await claim(guest, at(1000), at(HOUR))).toBeUndefined();
      await sut.releaseName(guest.id, guest.id, at(1000));
      const next = await claim({ id: guest.id, name: 'Newcomer' }, at(2000), at(HOUR));
      expect(next).toBeDefined();
      expect(next).not.toBe(guest.id);

      const account = person();
      await sut.claimName({ ...claimOf(account, at(0), at(HOUR)), passwordHash: HASH });
      await sut.releaseName(account.id, account.id, at(0));
      expect(await claim(account, at(1000), at(HOUR))).toBeUndefined();
      expect(await sut.credentials(account.id)).toBeDefined();
    });

    it('sets a display name apart from the sign-in name, for known users only', async () => {
      const user = person();
      await claim(user, at(0), at(HOUR));
      expect(await sut.setDisplayName(user.id, 'Rae Lee 🌿')).toMatchObject({
        id: user.id,
        name: user.name,
        displayName: 'Rae Lee 🌿',
      });
      // Renewing the claim or touching the user keeps the chosen display name.
      await claim(user, at(1000), at(2 * HOUR), user.id);
      await sut.touch(user, at(2000));
      expect(await sut.get([user.id])).toEqual([
        expect.objectContaining({ name: user.name, displayName: 'Rae Lee 🌿' }),
      ]);
      expect(await sut.setDisplayName(uniqueId('nobody'), 'Ghost')).toBeUndefined();
    });

    it('swaps avatar ids atomically, handing each replaced id to exactly one caller', async () => {
      const user = person();
      await claim(user, at(0), at(HOUR));
      const first = await sut.setAvatar(user.id, 'avatar-1');
      expect(first?.user).toMatchObject({ id: user.id, name: user.name, avatarId: 'avatar-1' });
      expect(first?.previous).toBeUndefined();
      const swaps = await Promise.all(
        ['avatar-2', 'avatar-3', 'avatar-4'].map((id) => sut.setAvatar(user.id, id)),
      );
      const replaced = swaps.map((swap) => swap?.previous).sort();
      const [stored] = await sut.get([user.id]);
      // Each id was current once and replaced once, except the one that is current now.
      expect([...replaced, stored?.avatarId].sort()).toEqual(
        ['avatar-1', 'avatar-2', 'avatar-3', 'avatar-4'].sort(),
      );
      // Touching the user or renewing the claim keeps the avatar.
      await sut.touch(user, at(1000));
      expect((await sut.get([user.id]))[0]?.avatarId).toBe(stored?.avatarId);
      const removed = await sut.setAvatar(user.id, null);
      expect(removed?.previous).toBe(stored?.avatarId);
      expect(removed?.user.avatarId).toBeUndefined();
      expect((await sut.get([user.id]))[0]?.avatarId).toBeUndefined();
      expect((await sut.setAvatar(user.id, null))?.previous).toBeUndefined();
      expect(await sut.setAvatar(uniqueId('nobody'), 'avatar-5')).toBeUndefined();
    });

    it('lists users by a Hangul name prefix', async () => {
      const id = `김${uniqueId('철수')}`;
      await claim({ id, name: id }, at(0), at(HOUR));
      expect((await sut.list(id.slice(0, 4), 100)).map((u) => u.id)).toContain(id);
    });
  });
}
