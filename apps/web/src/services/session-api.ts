import {
  ChatError,
  isErrorCode,
  type SessionInfo,
  type SessionListResponse,
  type SessionResponse,
} from '@chat/contracts';
import { getRuntimeConfig } from './runtime-config';
import { retryAfterMsOf } from './server-error';

type ErrorBody = { code?: unknown; message?: unknown; retryAfterMs?: unknown };

/**
 * One call to the gateway's session REST API. Every write carries a JSON body (the server
 * refuses others); rejects with a `ChatError` whose code says why (`CONFLICT` for a taken name).
 */
async function call<T>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<T | undefined> {
  let res: Response;
  try {
    res = await fetch(`${getRuntimeConfig().gatewayUrl}${path}`, {
      method,
      headers: {
        ...(method !== 'GET' && { 'content-type': 'application/json' }),
        ...(options.token !== undefined && { authorization: `Bearer ${options.token}` }),
      },
      ...(method !== 'GET' && { body: JSON.stringify(options.body ?? {}) }),
    });
  } catch {
    throw new ChatError('UNAVAILABLE', 'The chat server cannot be reached.');
  }
  if (res.status === 204) return undefined;
  const body = (await res.json().catch(() => ({}))) as T & ErrorBody;
  if (res.ok) return body;
  throw new ChatError(
    sessionErrorCode(res.status, body.code),
    typeof body.message === 'string' ? body.message : res.statusText,
    retryAfterMsOf(body.retryAfterMs),
  );
}

const sessionOf = (body: SessionResponse | undefined): SessionResponse => {
  if (typeof body?.token !== 'string' || !body.user) {
    throw new ChatError('INTERNAL', 'The server answered without a session.');
  }
  return body;
};

/**
 * `POST /chat/session` as a guest (when the server allows guests). With the holder's own
 * token, `renewWith`, it renews their claim on the name: the same user with a fresh token.
 */
export const createGuestSession = async (
  name: string,
  renewWith?: string,
): Promise<SessionResponse> =>
  sessionOf(
    await call<SessionResponse>('POST', '/chat/session', {
      body: { name },
      ...(renewWith !== undefined && { token: renewWith }),
    }),
  );

/** `POST /chat/session` with a password: an account's sign-in, from any browser. */
export const signInWithPassword = async (
  name: string,
  password: string,
): Promise<SessionResponse> =>
  sessionOf(await call<SessionResponse>('POST', '/chat/session', { body: { name, password } }));

/**
 * `POST /chat/account`: signs a name up with a password; with a guest's own token
 * (`claimWith`), keeps that guest's name, id and rooms for good.
 */
export const signUp = async (
  name: string,
  password: string,
  claimWith?: string,
): Promise<SessionResponse> =>
  sessionOf(
    await call<SessionResponse>('POST', '/chat/account', {
      body: { name, password },
      ...(claimWith !== undefined && { token: claimWith }),
    }),
  );

/** `DELETE /chat/session`: ends this session on the server. */
export const endSession = async (token: string): Promise<void> => {
  await call('DELETE', '/chat/session', { token });
};

/** `GET /chat/sessions`: the caller's live sessions, newest first. */
export const listSessions = async (token: string): Promise<SessionInfo[]> =>
  (await call<SessionListResponse>('GET', '/chat/sessions', { token }))?.sessions ?? [];

/** `DELETE /chat/sessions/:id`: signs another of the caller's sessions out. */
export const revokeSession = async (token: string, sessionId: string): Promise<void> => {
  await call('DELETE', `/chat/sessions/${encodeURIComponent(sessionId)}`, { token });
};

// The server answers a taken name with 409 and the code NAME_TAKEN, which is not one of the
// protocol's generic codes: it maps to CONFLICT here.
const sessionErrorCode = (status: number, code: unknown) => {
  if (code === 'NAME_TAKEN' || status === 409) return 'CONFLICT';
  if (isErrorCode(code)) return code;
  if (status === 400) return 'BAD_REQUEST';
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 429) return 'RATE_LIMITED';
  return status >= 500 ? 'UNAVAILABLE' : 'INTERNAL';
};
