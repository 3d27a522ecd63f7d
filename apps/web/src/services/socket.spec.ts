import { ChatError } from '@chat/contracts';
import { describe, expect, it } from 'vitest';
import { requestOver, type ClientSocket } from './socket';

/** Just enough of a Socket.IO client socket for `requestOver`: ack replies or a timeout. */
const stubSocket = (connected: boolean, reply: () => Promise<unknown>) => {
  const calls: { event: string; payload: unknown; timeout: number }[] = [];
  const socket = {
    connected,
    timeout: (ms: number) => ({
      emitWithAck: (event: string, payload: unknown) => {
        calls.push({ event, payload, timeout: ms });
        return reply();
      },
    }),
  };
  // A test double for the slice of the socket the function uses.
  return { socket: socket as unknown as ClientSocket, calls };
};

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );

describe('requestOver', () => {
  it('resolves with the data of an ok ack', async () => {
    const { socket, calls } = stubSocket(true, () =>
      Promise.resolve({ ok: true, data: { users: [] } }),
    );

    await expect(requestOver(socket, 'get_users', { query: 'a' })).resolves.toEqual({ users: [] });
    expect(calls).toEqual([{ event: 'get_users', payload: { query: 'a' }, timeout: 10_000 }]);
  });

  it('rejects with a ChatError carrying the code of an error ack', async () => {
    const { socket } = stubSocket(true, () =>
      Promise.resolve({ ok: false, error: { code: 'FORBIDDEN', message: 'members only' } }),
    );

    const err = await failure(requestOver(socket, 'leave_room', { roomId: 'r' }));

    expect(err).toBeInstanceOf(ChatError);
    expect(err).toMatchObject({ code: 'FORBIDDEN', message: 'members only' });
  });

  it('carries the wait of a RATE_LIMITED ack in retryAfterMs', async () => {
    const { socket } = stubSocket(true, () =>
      Promise.resolve({
        ok: false,
        error: { code: 'RATE_LIMITED', message: 'too many requests', retryAfterMs: 2500 },
      }),
    );

    const err = await failure(requestOver(socket, 'get_users', {}));

    expect(err).toBeInstanceOf(ChatError);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 2500 });
  });

  it('maps a timeout to UNAVAILABLE and an unknown code to INTERNAL', async () => {
    const timedOut = stubSocket(true, () => Promise.reject(new Error('operation has timed out')));
    const odd = stubSocket(true, () =>
      Promise.resolve({ ok: false, error: { code: 'WAT', message: '' } }),
    );

    expect(await failure(requestOver(timedOut.socket, 'typing', { roomId: 'r' }, 5))).toMatchObject(
      {
        code: 'UNAVAILABLE',
      },
    );
    expect(await failure(requestOver(odd.socket, 'typing', { roomId: 'r' }))).toMatchObject({
      code: 'INTERNAL',
    });
  });

  it('fails fast when disconnected instead of buffering the event', async () => {
    const { socket, calls } = stubSocket(false, () => Promise.resolve({ ok: true, data: {} }));

    expect(await failure(requestOver(socket, 'mark_read', { roomId: 'r', seq: 1 }))).toMatchObject({
      code: 'UNAVAILABLE',
    });
    expect(calls).toEqual([]);
  });
});
