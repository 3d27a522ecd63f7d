import type { User } from '@chat/contracts';
import { getRuntimeConfig } from './runtime-config';
import { httpError } from './upload';

/** The caller's profile as the server answers a change of it. */
export type OwnProfile = Omit<User, 'online' | 'lastSeenAt'>;

/** Sets and removes the caller's avatar; the store is given this, tests give it another. */
export interface AvatarApi {
  put(file: Blob, token: string): Promise<OwnProfile>;
  remove(token: string): Promise<OwnProfile>;
}

async function send(init: RequestInit, token: string): Promise<OwnProfile> {
  let res: Response;
  try {
    res = await fetch(`${getRuntimeConfig().gatewayUrl}/chat/profile/avatar`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
    });
  } catch {
    throw httpError(0, {});
  }
  const body = (await res.json().catch(() => ({}))) as {
    user?: OwnProfile;
    code?: unknown;
    message?: unknown;
    retryAfterMs?: unknown;
  };
  if (res.ok && body.user) return body.user;
  throw httpError(res.status, body);
}

/**
 * `PUT /chat/profile/avatar` with the image as the raw body (the browser sends its length),
 * `DELETE /chat/profile/avatar` with the JSON body every other write carries.
 */
export const httpAvatarApi: AvatarApi = {
  put: (file, token) =>
    send(
      { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: file },
      token,
    ),
  remove: (token) =>
    send({ method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{}' }, token),
};
