import { flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RATE_LIMIT_ATTEMPTS } from '../services/rate-limit';
import { fromErrorBody } from '../services/server-error';
import type { FakeChatServer } from '../testing/fake-server';
import { connectedHarness, reconnect } from '../testing/setup';
import { useAuthStore } from './auth.store';
import { useConnectionStore } from './connection.store';
import { useMessagesStore } from './messages.store';
import { useRoomsStore } from './rooms.store';

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

  it('catches up the open room when the server says its live feed was interrupted', async () => {
    const h = await connectedHarness('alice', (s) => s.addRoom('r1', ['alice', 'bob']));
    await useMessagesStore().select('r1');
    // Sent while the server's feed was down: never delivered to this connection.
    h.server.postMany('r1', 2);

    h.transport().emit('resync', { reason: 'live_feed_interrupted' });
    await flushPromises();

    expect(useMessagesStore().timelines.r1?.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(h.transport().requestsOf('register')).toHaveLength(2);
    expect(useConnectionStore().status).toBe('online');
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
      account: false,
    });
  });

  describe('when the gateway answers RATE_LIMITED', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    /** The shared event budget of the gateway: a burst of 100, refilled every 5 s. */
    const EVENT_BUDGET = [
      'register',
      'get_users',
      'join_room',
      'get_messages',
      'mark_read',
    ] as const;

    async function limitedHarness(prepare?: (s: FakeChatServer) => void) {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      const h = await connectedHarness('alice', (s) => {
        s.addUser('bob');
        prepare?.(s);
      });
      return h;
    }

    /** Refuses the first `times` requests of the handler, then lets `serve` answer. */
    const refuseFirst = <T>(times: number, serve: () => T) => {
      let refused = 0;
      return () => {
        if (refused++ < times) {
          throw fromErrorBody({
            code: 'RATE_LIMITED',
            message: 'too many requests; try again in 1 s',
            retryAfterMs: 1000,
          });
        }
        return serve();
      };
    };

    it('asks for messages again after the wait and resolves with the answer', async () => {
      const h = await limitedHarness((s) => {
        s.addRoom('r1', ['alice', 'bob']);
        s.postMany('r1', 3);
      });
      h.transport().handle(
        'get_messages',
        refuseFirst(2, () => h.server.page('r1', {})),
      );
      const before = h.transport().requestsOf('get_messages').length;

      const page = useConnectionStore().request('get_messages', { roomId: 'r1' });
      await vi.runAllTimersAsync();

      expect((await page).messages.map((m) => m.seq)).toEqual([1, 2, 3]);
      expect(h.transport().requestsOf('get_messages').length - before).toBe(3);
    });

    it('surfaces the refusal once the attempts are used up', async () => {
      const h = await limitedHarness();
      h.transport().handle(
        'get_users',
        refuseFirst(Infinity, () => ({ users: [] })),
      );
      const before = h.transport().requestsOf('get_users').length;

      const users = useConnectionStore()
        .request('get_users', {})
        .catch((err: unknown) => err);
      await vi.runAllTimersAsync();

      expect(await users).toMatchObject({ code: 'RATE_LIMITED' });
      expect(h.transport().requestsOf('get_users').length - before).toBe(RATE_LIMIT_ATTEMPTS);
    });

    it('never sends a message twice on its own', async () => {
      const h = await limitedHarness((s) => s.addRoom('r1', ['alice', 'bob']));
      h.transport().handle(
        'send_message',
        refuseFirst(1, () => ({ id: 'm', seq: 1, createdAt: new Date().toISOString() })),
      );

      const sent = useConnectionStore()
        .request('send_message', { roomId: 'r1', content: 'hi' })
        .catch((err: unknown) => err);
      await vi.runAllTimersAsync();

      expect(await sent).toMatchObject({ code: 'RATE_LIMITED' });
      expect(h.transport().requestsOf('send_message')).toHaveLength(1);
    });

    it('loads every preview on reconnect with more rooms than the burst allows', async () => {
      const ids = Array.from({ length: 150 }, (_, i) => `r${i}`);
      const h = await limitedHarness((s) => ids.forEach((id) => s.addRoom(id, ['alice', 'bob'])));
      h.transport().rateLimit(EVENT_BUDGET, 100, 5000);

      await reconnect(h, () => ids.forEach((id) => h.server.post(id, 'bob', `news in ${id}`)));
      await vi.runAllTimersAsync();

      const rooms = useRoomsStore();
      expect(ids.filter((id) => rooms.byId[id]?.lastMessage?.content !== `news in ${id}`)).toEqual(
        [],
      );
      expect(useConnectionStore().lastError).toBeNull();
      // The budget did refuse some: more asks than rooms.
      expect(h.transport().requestsOf('get_messages').length).toBeGreaterThan(ids.length);
    });

    it('fills the gap of the open room on reconnect despite refusals', async () => {
      const h = await limitedHarness((s) => s.addRoom('r1', ['alice', 'bob']));
      await useMessagesStore().select('r1');
      // register takes the only point of the window; the directory and the gap fill must wait.
      h.transport().rateLimit(EVENT_BUDGET, 1, 1000);

      await reconnect(h, () => h.server.postMany('r1', 3));
      await vi.runAllTimersAsync();

      expect(useMessagesStore().timelines.r1?.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
      expect(useConnectionStore().lastError).toBeNull();
    });
  });
});
