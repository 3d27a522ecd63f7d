import type { SessionResponse, User } from '@chat/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import {
  createGuestSession,
  endSession,
  signInWithPassword,
  signUp as signUpAccount,
} from '../services/session-api';
import { readStored, writeStored } from './storage';

export type SessionUser = Pick<User, 'id' | 'name' | 'displayName'>;
export type SignOutReason = 'user' | 'unauthorized';

interface StoredSession {
  token: string;
  user: SessionUser | null;
  /** An account signs back in with its password; a guest's name goes with their last session. */
  account?: boolean;
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
  const account = ref(stored?.account ?? false);
  /** Why the last session ended, shown on the sign-in screen. */
  const signOutReason = ref<SignOutReason | null>(null);
  const signOutDetail = ref<string | null>(null);

  const signedIn = computed(() => token.value !== null);
  const userId = computed(() => user.value?.id ?? null);

  function persist(): void {
    writeStored(
      SESSION_KEY,
      token.value ? { token: token.value, user: user.value, account: account.value } : undefined,
    );
  }

  function begin(session: SessionResponse): void {
    token.value = session.token;
    user.value = session.user;
    account.value = session.account;
    signOutReason.value = null;
    persist();
  }

  async function signInAsGuest(name: string): Promise<void> {
    begin(await createGuestSession(name));
  }

  async function signIn(name: string, password: string): Promise<void> {
    begin(await signInWithPassword(name, password));
  }

  async function signUp(name: string, password: string): Promise<void> {
    begin(await signUpAccount(name, password));
  }

  /** A guest keeps their name (same id, same rooms) by setting a password. */
  async function keepName(password: string): Promise<void> {
    const current = token.value;
    const name = user.value?.name;
    if (current === null || name === undefined) return;
    begin(await signUpAccount(name, password, current));
  }

  /**
   * Renews a guest token past half its life, so a person keeps their name (and with it their
   * rooms) while they keep using the app. A failed renewal keeps the current token.
   */
  async function renewIfDue(now: number = Date.now()): Promise<void> {
    const current = token.value;
    const name = user.value?.name;
    if (current === null || name === undefined || account.value) return;
    const claims = tokenLifetime(current);
    if (claims?.iss !== GUEST_ISSUER || claims.iat === undefined || claims.exp === undefined) {
      return;
    }
    const halfLife = ((claims.iat + claims.exp) / 2) * 1000;
    if (now < halfLife || now >= claims.exp * 1000) return;
    const session = await createGuestSession(name, current).catch(() => undefined);
    // Signed out, or signed in anew, while the renewal was under way: keep what is there now.
    if (session === undefined || token.value !== current) return;
    begin(session);
  }

  /** Uses a token from the operator's identity provider; `register` tells who it belongs to. */
  function signInWithToken(raw: string): void {
    token.value = raw.trim();
    user.value = null;
    account.value = false;
    signOutReason.value = null;
    persist();
  }

  function setUser(next: SessionUser): void {
    user.value = {
      id: next.id,
      name: next.name,
      ...(next.displayName !== undefined && { displayName: next.displayName }),
    };
    persist();
  }

  /**
   * Signs out here and, when the user asked, on the server too, so the token is refused
   * everywhere; the local sign-out does not wait for (or depend on) the server's answer.
   */
  function signOut(reason: SignOutReason = 'user', detail?: string): void {
    const ending = token.value;
    if (reason === 'user' && ending !== null) void endSession(ending).catch(() => undefined);
    token.value = null;
    user.value = null;
    account.value = false;
    signOutReason.value = reason;
    signOutDetail.value = detail ?? null;
    persist();
  }

  return {
    token,
    user,
    account,
    userId,
    signedIn,
    signOutReason,
    signOutDetail,
    signInAsGuest,
    signIn,
    signUp,
    keepName,
    signInWithToken,
    renewIfDue,
    setUser,
    signOut,
  };
});
