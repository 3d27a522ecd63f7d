import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embeddedFixture, type EmbeddedFixture } from '../testing/embedded-fixture.js';
import { PresenceService } from './presence.service.js';

describe(PresenceService.name, () => {
  const seenAt = '2026-01-02T03:04:05.000Z';
  let f: EmbeddedFixture;
  let sut: PresenceService;

  beforeEach(async () => {
    f = await embeddedFixture();
    sut = new PresenceService(
      f.presence,
      f.rooms,
      f.users,
      f.notifier,
      (id) => ({ id, url: `/avatars/${id}`, expiresAt: seenAt }),
      () => new Date(seenAt),
    );
    await f.signIn('alice', 'bob', 'carol', 'dave', 'erin');
    // alice shares a room with bob and erin; carol and dave are strangers to her.
    await f.roomService.create('alice', { participants: ['bob'] });
    await f.roomService.create('erin', { participants: ['alice'] });
    for (const id of ['alice', 'bob', 'carol', 'dave', 'erin']) {
      await sut.connected(id, `${id}-socket`, await f.rooms.roomsOf(id));
    }
    await sut.disconnected('dave', 'dave-socket');
    await sut.disconnected('erin', 'erin-socket');
  });

  afterEach(() => f.destroy());

  it('shows online state and last seen only for the caller and their roommates', async () => {
    expect(await sut.directory('alice', '', 50)).toEqual([
      { id: 'alice', name: 'alice', online: true },
      { id: 'bob', name: 'bob', online: true },
      // Online, but shares no room with alice: listed offline, and sorted as offline.
      { id: 'carol', name: 'carol', online: false },
      { id: 'dave', name: 'dave', online: false },
      { id: 'erin', name: 'erin', online: false, lastSeenAt: seenAt },
    ]);
  });

  it('shows a user with no rooms only their own state', async () => {
    expect(await sut.directory('carol', '', 50)).toEqual([
      { id: 'carol', name: 'carol', online: true },
      { id: 'alice', name: 'alice', online: false },
      { id: 'bob', name: 'bob', online: false },
      { id: 'dave', name: 'dave', online: false },
      { id: 'erin', name: 'erin', online: false },
    ]);
  });

  it('shows avatars only to the person and those who share a room with them', async () => {
    await f.users.setAvatar('bob', 'bob-avatar');
    await f.users.setAvatar('carol', 'carol-avatar');
    const seen = (users: { id: string; avatar?: { id: string } }[]) =>
      Object.fromEntries(users.map((u) => [u.id, u.avatar?.id]));
    expect(seen(await sut.directory('alice', '', 50))).toEqual({
      alice: undefined,
      bob: 'bob-avatar',
      carol: undefined,
      dave: undefined,
      erin: undefined,
    });
    expect((await sut.directory('carol', '', 50, ['carol']))[0]?.avatar).toEqual({
      id: 'carol-avatar',
      url: '/avatars/carol-avatar',
      expiresAt: seenAt,
    });
  });
});
