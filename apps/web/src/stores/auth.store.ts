import type { User } from '@chat/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { createGuestSession } from '../services/session-api';
import { readStored, writeStored } from './storage';

export type SessionUser = Pick<User, 'id' | 'name'>;
export type SignOutReason = 'user' | 'unauthorized';

interface StoredSession {
  token: string;
  user: SessionUser | null;
}

const SESSION_KEY = 'chat.session';
/** The issuer of the server's own guest tokens (JWT-mode tokens are not ours to renew). */
const GUEST_ISSUER = 'chat-guest';

/** A JWT's issuer and lifetime, read without verifying (the server verifies). */
const tokenLifetime = (raw: string): { iss?: string; iat?: number; exp?: number } | undefined => {
  try {
    const payload = raw.split('.')[1] ?? '';
    return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as {
      iss?: string;
      iat?: number;
      exp?: number;
    };
  } catch {
    return undefined;
  }
};

const isStoredSession = (value: unknown): value is StoredSession =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as StoredSession).token === 'string' &&
  (value as StoredSession).token.length > 0;

/** The signed-in identity: the token the socket presents, and who the server says we are. */
export const useAuthStore = defineStore('auth', () => {
  const stored = readStored(SESSION_KEY, isStoredSession);
  const token = ref<string | null>(stored?.token ?? null);
  const user = ref<SessionUser | null>(stored?.user ?? null);
  /** Why the last session ended, shown on the sign-in screen. */
  const signOutReason = ref<SignOutReason | null>(null);
  const signOutDetail = ref<string | null>(null);

  const signedIn = computed(() => token.value !== null);
  const userId = computed(() => user.value?.id ?? null);

  function persist(): void {
    writeStored(SESSION_KEY, token.value ? { token: token.value, user: user.value } : undefined);
  }

  async function signInAsGuest(name: string): Promise<void> {
    const session = await createGuestSession(name);
    token.value = session.token;
    user.value = session.user;
    signOutReason.value = null;
    persist();
  }

  /**
   * Renews a guest token past half its life, so a person keeps their name (and with it their
   * rooms) while they keep using the app. A failed renewal keeps the current token.
   */
  async function renewIfDue(now: number = Date.now()): Promise<void> {
    const current = token.value;
    const name = user.value?.name;
    if (current === null || name === undefined) return;
    const claims = tokenLifetime(current);
    if (claims?.iss !== GUEST_ISSUER || claims.iat === undefined || claims.exp === undefined) {
      return;
    }
    const halfLife = ((claims.iat + claims.exp) / 2) * 1000;
    if (now < halfLife || now >= claims.exp * 1000) return;
    const session = await createGuestSession(name, current).catch(() => undefined);
    // Signed out, or signed in anew, while the renewal was under way: keep what is there now.
    if (session === undefined || token.value !== current) return;
    token.value = session.token;
    user.value = session.user;
    persist();
  }

  /** Uses a token from the operator's identity provider; `register` tells who it belongs to. */
  function signInWithToken(raw: string): void {
    token.value = raw.trim();
    user.value = null;
    signOutReason.value = null;
    persist();
  }

  function setUser(next: SessionUser): void {
    user.value = { id: next.id, name: next.name };
    persist();
  }

  function signOut(reason: SignOutReason = 'user', detail?: string): void {
    token.value = null;
    user.value = null;
    signOutReason.value = reason;
    signOutDetail.value = detail ?? null;
    persist();
  }

  return {
    token,
    user,
    userId,
    signedIn,
    signOutReason,
    signOutDetail,
    signInAsGuest,
    signInWithToken,
    renewIfDue,
    setUser,
    signOut,
  };
});
