import { AVATAR_MAX_BYTES, ChatError } from '@chat/contracts';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { httpAvatarApi, type AvatarApi, type OwnProfile } from '../services/avatar-api';
import { useAuthStore } from './auth.store';
import { useUsersStore } from './users.store';

/** The picture types the server keeps (it sniffs the bytes; this only steers the picker). */
export const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

/**
 * The signed-in person's own picture: sets and removes it. A file over `AVATAR_MAX_BYTES` or
 * of another type is refused here before a byte is sent; the server checks both again.
 */
export const useProfileStore = defineStore('profile', () => {
  const busy = ref(false);
  let api: AvatarApi = httpAvatarApi;

  /** Replaces how avatars are sent (tests). */
  function useApi(next: AvatarApi): void {
    api = next;
  }

  async function setAvatar(file: File): Promise<void> {
    if (!(AVATAR_TYPES as readonly string[]).includes(file.type)) {
      throw new ChatError('BAD_REQUEST', 'an avatar must be a PNG, JPEG, GIF or WebP image');
    }
    if (file.size > AVATAR_MAX_BYTES) {
      throw new ChatError(
        'PAYLOAD_TOO_LARGE',
        `an avatar may be at most ${AVATAR_MAX_BYTES} bytes`,
      );
    }
    await change((token) => api.put(file, token));
  }

  async function removeAvatar(): Promise<void> {
    await change((token) => api.remove(token));
  }

  async function change(call: (token: string) => Promise<OwnProfile>): Promise<void> {
    const auth = useAuthStore();
    if (auth.token === null) throw new ChatError('UNAUTHORIZED', 'sign in first');
    busy.value = true;
    try {
      const profile = await call(auth.token);
      const users = useUsersStore();
      // The answer is the profile as it now is; `user_updated` will say the same.
      users.applyUserUpdated({
        userId: profile.id,
        ...(profile.displayName !== undefined && { displayName: profile.displayName }),
        ...(profile.avatar !== undefined && { avatar: profile.avatar }),
      });
    } finally {
      busy.value = false;
    }
  }

  return { busy, useApi, setAvatar, removeAvatar };
});
