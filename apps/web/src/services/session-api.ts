import { ChatError, isErrorCode, type SessionResponse } from '@chat/contracts';
import { getRuntimeConfig } from './runtime-config';
import { retryAfterMsOf } from './server-error';

/**
 * `POST /chat/session` (guest mode). Resolves with the signed token and the user; rejects with a
 * `ChatError` whose code says why (`CONFLICT` for a
 * taken name). With the holder's own token, `renewWith`, it renews their claim on the name: the
 * same user with a fresh token.
 */
export const createGuestSession = async (
  name: string,
  renewWith?: string,
): Promise<SessionResponse> => {
  let res: Response;
  try {
    res = await fetch(`${getRuntimeConfig().gatewayUrl}/chat/session`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(renewWith !== undefined && { authorization: `Bearer ${renewWith}` }),
      },
      body: JSON.stringify({ name }),
    });
  } catch {
    throw new ChatError('UNAVAILABLE', 'The chat server cannot be reached.');
  }
  const body = (await res.json().catch(() => ({}))) as Partial<SessionResponse> & {
    code?: unknown;
    message?: unknown;
    retryAfterMs?: unknown;
  };
  if (res.ok && typeof body.token === 'string' && body.user) {
    return { token: body.token, user: body.user };
  }
  throw new ChatError(
    sessionErrorCode(res.status, body.code),
    typeof body.message === 'string' ? body.message : res.statusText,
    retryAfterMsOf(body.retryAfterMs),
  );
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
