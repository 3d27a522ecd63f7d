import { describe, expect, it } from 'vitest';
import { connectedHarness, reconnect } from '../testing/setup';
import { useAuthStore } from './auth.store';
import { useConnectionStore } from './connection.store';

describe('useConnectionStore', () => {
  it('registers on connect and learns who the token belongs to', async () => {
    const h = await connectedHarness('alice', (s) => s.addRoom('r1', ['alice']));

    expect(useConnectionStore().status).toBe('online');
    expect(useConnectionStore().ready).toBe(true);
    expect(useAuthStore().user).toEqual({ id: 'alice', name: 'alice' });
    expect(h.transport().options.token).toBe('token-of-alice');
  });

  it('reports offline while disconnected and registers again on reconnect', async () => {
    const h = await connectedHarness();

    h.transport().drop();
    expect(useConnectionStore().status).toBe('offline');
    await reconnect(h);

    expect(useConnectionStore().status).toBe('online');
    expect(h.transport().requestsOf('register')).toHaveLength(2);
  });

  it('signs out with a reason when the server refuses the token', async () => {
    const h = await connectedHarness();

    h.transport().refuse('jwt expired');

    expect(useAuthStore().signedIn).toBe(false);
    expect(useAuthStore().signOutReason).toBe('unauthorized');
    expect(useConnectionStore().status).toBe('idle');
    expect(h.transport().closed).toBe(true);
    expect(window.localStorage.getItem('chat.session')).toBeNull();
  });

  it('keeps the session in storage so a reload stays signed in', async () => {
    await connectedHarness('alice');

    expect(JSON.parse(window.localStorage.getItem('chat.session') ?? 'null')).toEqual({
      token: 'token-of-alice',
      user: { id: 'alice', name: 'alice' },
    });
  });
});
