import { AVATAR_MAX_BYTES, ChatError, type UserAvatar } from '@chat/contracts';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AvatarApi, OwnProfile } from '../services/avatar-api';
import { useAuthStore } from './auth.store';
import { useProfileStore } from './profile.store';
import { useUsersStore } from './users.store';

const avatar: UserAvatar = {
  id: 'a1',
  url: '/chat/avatars/a1?exp=9&sig=s',
  expiresAt: '2030-01-01T00:00:00Z',
};

/** An API that records what was sent and answers as the server would. */
function recordingApi(answer: { put?: OwnProfile | ChatError }) {
  const sent: string[] = [];
  const api: AvatarApi = {
    put: (file, token) => {
      sent.push(`put ${file.size} ${token}`);
      return answer.put instanceof ChatError
        ? Promise.reject(answer.put)
        : Promise.resolve(answer.put ?? { id: 'alice', name: 'alice', avatar });
    },
    remove: (token) => {
      sent.push(`remove ${token}`);
      return Promise.resolve({ id: 'alice', name: 'alice', displayName: 'Alice' });
    },
  };
  return { api, sent };
}

const file = (size: number, type = 'image/png') =>
  new File([new Uint8Array(size)], 'me.png', { type });

describe('useProfileStore', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    useAuthStore().signInWithToken('token-of-alice');
    useUsersStore().upsert([{ id: 'alice', name: 'alice', displayName: 'Alice', online: true }]);
  });

  it('refuses a picture over the limit or of another type without sending a byte', async () => {
    const { api, sent } = recordingApi({});
    const sut = useProfileStore();
    sut.useApi(api);
    await expect(sut.setAvatar(file(AVATAR_MAX_BYTES + 1))).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    await expect(sut.setAvatar(file(10, 'image/svg+xml'))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(sent).toEqual([]);
  });

  it('shows the saved picture at once, and initials again once it is removed', async () => {
    const { api, sent } = recordingApi({ put: { id: 'alice', name: 'alice', avatar } });
    const sut = useProfileStore();
    const users = useUsersStore();
    sut.useApi(api);
    await sut.setAvatar(file(1000));
    expect(users.avatarOf('alice')).toContain('/chat/avatars/a1');
    expect(users.isOnline('alice')).toBe(true);
    await sut.removeAvatar();
    expect(users.avatarOf('alice')).toBeUndefined();
    expect(users.nameOf('alice')).toBe('Alice');
    expect(sent).toEqual(['put 1000 token-of-alice', 'remove token-of-alice']);
    expect(sut.busy).toBe(false);
  });

  it('keeps the current picture when the server refuses a new one', async () => {
    const refusal = new ChatError(
      'BAD_REQUEST',
      'an avatar must be a PNG, JPEG, GIF or WebP image',
    );
    const { api } = recordingApi({ put: refusal });
    const sut = useProfileStore();
    const users = useUsersStore();
    users.applyUserUpdated({ userId: 'alice', displayName: 'Alice', avatar });
    sut.useApi(api);
    await expect(sut.setAvatar(file(1000))).rejects.toBe(refusal);
    expect(users.avatarOf('alice')).toContain('/chat/avatars/a1');
    expect(sut.busy).toBe(false);
  });
});
