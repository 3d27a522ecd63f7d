import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embeddedFixture, type EmbeddedFixture } from '../testing/embedded-fixture.js';
import { confusablesSkeleton, UserService } from './user.service.js';

const HOUR = 3_600_000;

describe(UserService.name, () => {
  let f: EmbeddedFixture;
  let sut: UserService;

  beforeEach(async () => {
    f = await embeddedFixture();
    sut = new UserService(f.users);
  });
  afterEach(() => f.destroy());

  it('refuses a look-alike of a held name with NAME_TAKEN', async () => {
    await sut.claimGuest('paypal', HOUR);
    // Cyrillic р, а, у and а: the same picture, other letters.
    await expect(sut.claimGuest('\u0440\u0430\u0443\u0440\u0430l', HOUR)).rejects.toMatchObject({
      code: 'NAME_TAKEN',
    });
    await sut.claimGuest('sam', HOUR);
    await expect(sut.claimGuest('SAM', HOUR)).rejects.toMatchObject({ code: 'NAME_TAKEN' });
    await expect(sut.claimGuest('sarn', HOUR)).rejects.toMatchObject({ code: 'NAME_TAKEN' });
  });

  it('gives a different name its own id and keeps the display case', async () => {
    const { identity } = await sut.claimGuest('Alice', HOUR);
    expect(identity).toEqual({ id: 'alice', name: 'Alice' });
    expect((await sut.claimGuest('김철수', HOUR)).identity.id).toBe('김철수');
  });

  it('refuses names with invisible characters as BAD_REQUEST', async () => {
    for (const name of ['bob\uFE0F', 'bob\u034F', '\u3164\u3164']) {
      await expect(sut.claimGuest(name, HOUR)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
  });

  it('maps look-alikes to one skeleton and different names to different ones', () => {
    expect(confusablesSkeleton('paypal')).toBe(
      confusablesSkeleton('\u0440\u0430\u0443\u0440\u0430l'),
    );
    expect(confusablesSkeleton('alice')).not.toBe(confusablesSkeleton('bob'));
  });
});
