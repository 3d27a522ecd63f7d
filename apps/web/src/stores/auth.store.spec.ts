import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useAuthStore } from './auth.store';

const HOUR = 3600;

/** An unsigned token with the claims the web app reads; the server is what verifies them. */
const tokenOf = (claims: Record<string, unknown>): string =>
  `h.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.sig`;

describe('useAuthStore.renewIfDue', () => {
  const issuedAt = 1_800_000_000;
  const guestToken = tokenOf({
    iss: 'chat-guest',
    sub: 'fay',
    iat: issuedAt,
    exp: issuedAt + 10 * HOUR,
  });
  const renewed = tokenOf({
    iss: 'chat-guest',
    sub: 'fay',
    iat: issuedAt + 6 * HOUR,
    exp: issuedAt + 16 * HOUR,
  });
  let server: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    localStorage.clear();
    setActivePinia(createPinia());
    server = vi.fn((_url: string, _init: RequestInit) =>
      Promise.resolve(
        new Response(JSON.stringify({ token: renewed, user: { id: 'fay', name: 'Fay' } }), {
          status: 201,
          headers: { 'content-type': 'application/json' },
        }),
      ),
    );
    vi.stubGlobal('fetch', server);
  });
  afterEach(() => vi.unstubAllGlobals());

  const signedInWith = (token: string) => {
    const auth = useAuthStore();
    auth.signInWithToken(token);
    auth.setUser({ id: 'fay', name: 'Fay' });
    return auth;
  };

  it('leaves a guest token alone in the first half of its life', async () => {
    const auth = signedInWith(guestToken);
    await auth.renewIfDue((issuedAt + 4 * HOUR) * 1000);
    expect(server).not.toHaveBeenCalled();
    expect(auth.token).toBe(guestToken);
  });

  it('renews a guest token past half its life with the holder’s own token', async () => {
    const auth = signedInWith(guestToken);
    await auth.renewIfDue((issuedAt + 6 * HOUR) * 1000);
    expect(server).toHaveBeenCalledTimes(1);
    const [url, init] = server.mock.calls[0] as [string, RequestInit];
    expect(url).toMatch(/\/chat\/session$/);
    expect(init.headers).toMatchObject({ authorization: `Bearer ${guestToken}` });
    expect(JSON.parse(init.body as string)).toEqual({ name: 'Fay' });
    expect(auth.token).toBe(renewed);
  });

  it('never renews a token from the operator’s identity provider', async () => {
    const auth = signedInWith(
      tokenOf({ iss: 'https://idp.example', iat: issuedAt, exp: issuedAt + 2 * HOUR }),
    );
    await auth.renewIfDue((issuedAt + HOUR + 1) * 1000);
    expect(server).not.toHaveBeenCalled();
  });

  it('keeps the current token when the renewal fails', async () => {
    server.mockResolvedValueOnce(new Response('{"code":"NAME_TAKEN"}', { status: 409 }));
    const auth = signedInWith(guestToken);
    await auth.renewIfDue((issuedAt + 6 * HOUR) * 1000);
    expect(auth.token).toBe(guestToken);
    expect(auth.signedIn).toBe(true);
  });
});

describe('useAuthStore.signOut', () => {
  let server: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    localStorage.clear();
    setActivePinia(createPinia());
    server = vi.fn((_url: string, _init: RequestInit) =>
      Promise.resolve(new Response(null, { status: 204 })),
    );
    vi.stubGlobal('fetch', server);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('ends the session on the server when the person signs out', () => {
    const auth = useAuthStore();
    auth.signInWithToken('h.e.s');
    auth.signOut();
    expect(auth.token).toBeNull();
    expect(server).toHaveBeenCalledTimes(1);
    const [url, init] = server.mock.calls[0] as [string, RequestInit];
    expect(url).toMatch(/\/chat\/session$/);
    expect(init.method).toBe('DELETE');
    expect(new Headers(init.headers).get('authorization')).toBe('Bearer h.e.s');
    expect(new Headers(init.headers).get('content-type')).toBe('application/json');
  });

  it('does not call the server when the session was refused anyway', () => {
    const auth = useAuthStore();
    auth.signInWithToken('h.e.s');
    auth.signOut('unauthorized');
    expect(server).not.toHaveBeenCalled();
  });
});
