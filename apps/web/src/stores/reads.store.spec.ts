import { ChatError } from '@chat/contracts';
import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { connectedHarness } from '../testing/setup';
import { useMessagesStore } from './messages.store';
import { useReadsStore } from './reads.store';
import { useRoomsStore } from './rooms.store';

/** `mark_read` answers the test gives one at a time, in the order the requests came. */
function heldAnswers() {
  const pending: { resolve: () => void; reject: (err: Error) => void }[] = [];
  const handler = () =>
    new Promise<Record<string, never>>((resolve, reject) => {
      pending.push({ resolve: () => resolve({}), reject });
    });
  const next = () => {
    const answer = pending.shift();
    if (!answer) throw new Error('no mark_read in flight');
    return answer;
  };
  return {
    handler,
    inFlight: () => pending.length,
    resolve: async () => {
      next().resolve();
      await flushPromises();
    },
    reject: async () => {
      next().reject(new ChatError('UNAVAILABLE', 'No answer to mark_read'));
      await flushPromises();
    },
  };
}

async function harness() {
  const h = await connectedHarness('alice', (s) => {
    s.addUser('bob');
    s.addRoom('r1', ['alice', 'bob']);
    s.addRoom('r2', ['alice', 'bob']);
  });
  const answers = heldAnswers();
  h.transport().handle('mark_read', answers.handler);
  return { h, answers, sut: useReadsStore() };
}

describe('useReadsStore.markRead', () => {
  it('coalesces a burst of messages in the open room into few requests, newest seq last', async () => {
    const { h, answers } = await harness();
    await useMessagesStore().select('r1');
    useMessagesStore().atLatest = true;

    for (let i = 1; i <= 50; i++) {
      h.transport().emit('receive_message', h.server.post('r1', 'bob', `burst ${i}`));
    }
    await flushPromises();

    expect(useRoomsStore().byId.r1?.unread).toBe(0);
    expect(h.transport().requestsOf('mark_read')).toEqual([{ roomId: 'r1', seq: 1 }]);

    await answers.resolve();
    expect(h.transport().requestsOf('mark_read')).toEqual([
      { roomId: 'r1', seq: 1 },
      { roomId: 'r1', seq: 50 },
    ]);

    await answers.resolve();
    expect(h.transport().requestsOf('mark_read')).toHaveLength(2);
    expect(answers.inFlight()).toBe(0);
  });

  it('clears the unread count at once, before any answer', async () => {
    const { h, sut } = await harness();
    h.transport().emit('receive_message', h.server.post('r1', 'bob', 'one'));
    h.transport().emit('receive_message', h.server.post('r1', 'bob', 'two'));
    sut.markRead('r1', 1);
    h.transport().emit('receive_message', h.server.post('r1', 'bob', 'three'));

    sut.markRead('r1', 3);

    expect(useRoomsStore().byId.r1?.unread).toBe(0);
  });

  it('sends each seq once', async () => {
    const { h, answers, sut } = await harness();
    sut.markRead('r1', 5);
    await answers.resolve();

    sut.markRead('r1', 5);
    sut.markRead('r1', 4);
    await flushPromises();

    expect(h.transport().requestsOf('mark_read')).toEqual([{ roomId: 'r1', seq: 5 }]);
  });

  it('sends again after a failure, with the newest seq asked for meanwhile', async () => {
    const { h, answers, sut } = await harness();
    sut.markRead('r1', 1);
    sut.markRead('r1', 2);

    await answers.reject();
    await answers.reject();
    sut.markRead('r1', 2);
    await flushPromises();

    expect(h.transport().requestsOf('mark_read')).toEqual([
      { roomId: 'r1', seq: 1 },
      { roomId: 'r1', seq: 2 },
      { roomId: 'r1', seq: 2 },
    ]);
  });

  it('keeps rooms apart: one in flight does not hold back another', async () => {
    const { h, sut } = await harness();

    sut.markRead('r1', 1);
    sut.markRead('r2', 7);
    await flushPromises();

    expect(h.transport().requestsOf('mark_read')).toEqual([
      { roomId: 'r1', seq: 1 },
      { roomId: 'r2', seq: 7 },
    ]);
  });

  it('forgets what was waiting when the room is dropped', async () => {
    const { h, answers, sut } = await harness();
    sut.markRead('r1', 1);
    sut.markRead('r1', 2);

    sut.drop('r1');
    await answers.resolve();

    expect(h.transport().requestsOf('mark_read')).toEqual([{ roomId: 'r1', seq: 1 }]);
  });
});
