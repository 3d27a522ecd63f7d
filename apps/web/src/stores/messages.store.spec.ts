import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { connectedHarness, reconnect } from '../testing/setup';
import { useMessagesStore } from './messages.store';
import { useRoomsStore } from './rooms.store';

const seqsOf = (roomId: string) =>
  useMessagesStore().timelines[roomId]?.messages.map((m) => m.seq) ?? [];
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function openedRoom(messages: number) {
  const h = await connectedHarness('alice', (s) => {
    s.addUser('bob');
    s.addRoom('r1', ['alice', 'bob']);
    s.postMany('r1', messages);
  });
  await useMessagesStore().select('r1');
  return h;
}

describe('useMessagesStore', () => {
  it('opens a room with its newest page', async () => {
    await openedRoom(120);
    expect(seqsOf('r1')).toEqual(range(71, 120));
    expect(useMessagesStore().timelines.r1?.hasMoreBefore).toBe(true);
  });

  it('fills the gap after a reconnect with no duplicates and no holes', async () => {
    const h = await openedRoom(120);
    const sut = useMessagesStore();

    await reconnect(h, () => h.server.postMany('r1', 130));

    expect(seqsOf('r1')).toEqual(range(71, 250));
    const fills = h
      .transport()
      .requestsOf('get_messages')
      .filter((p) => p.after !== undefined);
    expect(fills.map((p) => p.after)).toEqual([120, 170, 220]);
    expect(sut.timelines.r1?.hasMoreAfter).toBe(false);
  });

  it('does not duplicate live messages that race the gap fill', async () => {
    const h = await openedRoom(60);
    const sut = useMessagesStore();
    h.transport().drop();
    const missed = h.server.postMany('r1', 70);
    h.transport().connect();
    // Live deliveries arrive while the fill is still paging, some of them twice.
    for (const m of missed.slice(-3)) h.transport().emit('receive_message', m);
    h.transport().emit('receive_message', missed.at(-1)!);
    await flushPromises();

    expect(seqsOf('r1')).toEqual(range(11, 130));
    expect(new Set(seqsOf('r1')).size).toBe(seqsOf('r1').length);
    expect(sut.timelines.r1?.messages.at(-1)?.content).toBe('message 70');
  });

  it('pages in messages it missed when a live message skips seqs', async () => {
    const h = await openedRoom(10);
    const [, , third] = h.server.postMany('r1', 3);

    h.transport().emit('receive_message', third!);
    await flushPromises();

    expect(seqsOf('r1')).toEqual(range(1, 13));
  });

  it('pages back through history keeping it contiguous', async () => {
    await openedRoom(120);
    const sut = useMessagesStore();

    await sut.loadOlder('r1');
    await sut.loadOlder('r1');

    expect(seqsOf('r1')).toEqual(range(1, 120));
    expect(sut.timelines.r1?.hasMoreBefore).toBe(false);
  });

  it('jumps to an old message in a window, then back to the live end', async () => {
    const h = await openedRoom(500);
    const sut = useMessagesStore();

    await sut.jumpTo('r1', 42);
    expect(seqsOf('r1')).toEqual(range(32, 81));
    expect(sut.focus).toMatchObject({ roomId: 'r1', seq: 42 });

    // A live message does not attach to a window that stops short of the newest.
    h.transport().emit('receive_message', h.server.post('r1', 'bob', 'live'));
    expect(seqsOf('r1').at(-1)).toBe(81);

    await sut.jumpToLatest('r1');
    expect(seqsOf('r1')).toEqual(range(452, 501));
  });

  it('forgets rooms that are gone after a reconnect', async () => {
    const h = await openedRoom(5);

    await reconnect(h, () => h.server.rooms.delete('r1'));

    expect(useRoomsStore().byId.r1).toBeUndefined();
    expect(useMessagesStore().timelines.r1).toBeUndefined();
    expect(useRoomsStore().openRoomId).toBeNull();
  });
});
