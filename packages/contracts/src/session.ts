import { z } from 'zod';
import type { User } from './models.js';

/** Shortest and longest password an account takes, in code points. */
export const MIN_PASSWORD_CODE_POINTS = 8;
export const MAX_PASSWORD_CODE_POINTS = 128;

const password = z
  .string()
  .refine((p) => [...p].length >= MIN_PASSWORD_CODE_POINTS, {
    message: `a password has at least ${MIN_PASSWORD_CODE_POINTS} characters`,
  })
  .refine((p) => [...p].length <= MAX_PASSWORD_CODE_POINTS, {
    message: `a password has at most ${MAX_PASSWORD_CODE_POINTS} characters`,
  });

/**
 * Body of `POST /chat/session`: a guest sign-in with `name` alone (when the deployment allows
 * guests), or an account's sign-in with `name` and `password`.
 */
export const SessionRequestSchema = z.object({
  name: z.string().max(256),
  password: z.string().min(1).max(1024).optional(),
});
export type SessionRequest = z.infer<typeof SessionRequestSchema>;

/**
 * Body of `POST /chat/account`: signs up `name` with `password`. Sent with the token of the
 * guest who holds `name`, it claims that guest's name for good: same user id, same rooms.
 */
export const AccountRequestSchema = z.object({ name: z.string().max(256), password });
export type AccountRequest = z.infer<typeof AccountRequestSchema>;

export interface SessionResponse {
  token: string;
  user: Pick<User, 'id' | 'name' | 'displayName'>;
  /** The session the token belongs to: `DELETE /chat/session` with the token ends it. */
  sessionId: string;
  /** True for an account (signs back in with its password), false for a guest. */
  account: boolean;
}

/** One sign-in of the caller, as `GET /chat/sessions` lists it. */
export interface SessionInfo {
  id: string;
  createdAt: string;
  expiresAt: string;
  /** The browser's `User-Agent` when the session began, cut to 200 characters. */
  userAgent?: string;
  /** The session of the token that asked. */
  current: boolean;
}

export interface SessionListResponse {
  sessions: SessionInfo[];
}

/** The `auth` object a client passes to `io()`. */
export interface SocketAuth {
  token: string;
}
