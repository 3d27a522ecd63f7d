import { flushPromises } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectedHarness } from '../testing/setup';
import { useTypingStore } from './typing.store';

describe('useTypingStore', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function harness() {
    const h = await connectedHarness('alice', (s) => {
      s.addUser('bob');
      s.addUser('carol');
      s.addRoom('r1', ['alice', 'bob', 'carol']);
    });
    return { h, sut: useTypingStore() };
  }

  it('drops an indicator 5 s after its last typing event', async () => {
    const { h, sut } = await harness();

    h.transport().emit('typing', { roomId: 'r1', userId: 'bob', isTyping: true });
    vi.advanceTimersByTime(4000);
    expect(sut.typingIn('r1')).toEqual(['bob']);

    vi.advanceTimersByTime(1001);
    expect(sut.typingIn('r1')).toEqual([]);
  });

  it('keeps an indicator alive while typing events keep coming', async () => {
    const { h, sut } = await harness();

    h.transport().emit('typing', { roomId: 'r1', userId: 'bob', isTyping: true });
    vi.advanceTimersByTime(3000);
    h.transport().emit('typing', { roomId: 'r1', userId: 'bob', isTyping: true });
    vi.advanceTimersByTime(3000);

    expect(sut.typingIn('r1')).toEqual(['bob']);
  });

  it('shows several typists and removes one on isTyping false', async () => {
    const { h, sut } = await harness();

    h.transport().emit('typing', { roomId: 'r1', userId: 'bob', isTyping: true });
    h.transport().emit('typing', { roomId: 'r1', userId: 'carol', isTyping: true });
    expect(sut.typingIn('r1')).toEqual(['bob', 'carol']);

    h.transport().emit('typing', { roomId: 'r1', userId: 'bob', isTyping: false });
    expect(sut.typingIn('r1')).toEqual(['carol']);
  });

  it('stops showing someone whose message arrived', async () => {
    const { h, sut } = await harness();
    h.transport().emit('typing', { roomId: 'r1', userId: 'bob', isTyping: true });

    h.transport().emit('receive_message', h.server.post('r1', 'bob', 'done typing'));

    expect(sut.typingIn('r1')).toEqual([]);
  });

  it('sends typing at most every 2 s, catching up once the window ends', async () => {
    const { h, sut } = await harness();
    const sent = () => h.transport().requestsOf('typing');

    sut.noteInput('r1');
    vi.advanceTimersByTime(500);
    sut.noteInput('r1');
    sut.noteInput('r1');
    expect(sent()).toEqual([{ roomId: 'r1', isTyping: true }]);

    vi.advanceTimersByTime(1600);
    expect(sent()).toHaveLength(2);
    vi.advanceTimersByTime(3000);
    expect(sent()).toHaveLength(2);
  });

  it('says "stopped" only after "typing", and keeps the window across messages', async () => {
    const { h, sut } = await harness();
    const sent = () => h.transport().requestsOf('typing');

    sut.stopTyping('r1');
    expect(sent()).toEqual([]);
    sut.noteInput('r1');
    sut.stopTyping('r1');
    // Typing the next message right after sending: the server would drop an immediate "true".
    vi.advanceTimersByTime(300);
    sut.noteInput('r1');
    expect(sent()).toHaveLength(2);
    vi.advanceTimersByTime(2000);
    await flushPromises();

    expect(sent()).toEqual([
      { roomId: 'r1', isTyping: true },
      { roomId: 'r1', isTyping: false },
      { roomId: 'r1', isTyping: true },
    ]);
  });

  it('drops a pending "typing" when the message is sent first', async () => {
    const { h, sut } = await harness();
    sut.noteInput('r1');
    sut.stopTyping('r1');
    sut.noteInput('r1');
    sut.stopTyping('r1');

    vi.advanceTimersByTime(5000);

    expect(
      h
        .transport()
        .requestsOf('typing')
        .map((p) => p.isTyping),
    ).toEqual([true, false]);
  });
});
