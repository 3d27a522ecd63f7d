import type { Message } from '@chat/contracts';
import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { connectedHarness } from '../testing/setup';
import { useMessagesStore } from './messages.store';
import { useOutboxStore } from './outbox.store';
import { useThreadsStore } from './threads.store';

async function inRoom() {
  const h = await connectedHarness('alice', (s) => {
    s.addUser('bob');
    s.addRoom('r1', ['alice', 'bob']);
    s.postMany('r1', 3);
  });
  await useMessagesStore().select('r1');
  return h;
}

/** A change as the server makes it: the room's next seq, naming its target. */
const changeOf = (h: Awaited<ReturnType<typeof inRoom>>, change: Partial<Message>): Message => {
  const m = h.server.post('r1', 'bob', change.content ?? '', change.kind);
  Object.assign(m, change);
  return m;
};

describe('useThreadsStore', () => {
  it('sends the composer’s reply with replyTo once, then forgets it', async () => {
    const h = await inRoom();
    const sut = useThreadsStore();

    sut.startReply('r1', 2);
    await useOutboxStore().send('r1', 'answer', [], sut.takeReply('r1'));
    await useOutboxStore().send('r1', 'not an answer', [], sut.takeReply('r1'));

    expect(
      h
        .transport()
        .requestsOf('send_message')
        .map((p) => p.replyTo),
    ).toEqual([2, undefined]);
    expect(h.server.messages.get('r1')?.at(-2)).toMatchObject({ content: 'answer', replyTo: 2 });
    expect(useMessagesStore().timelines.r1?.messages.at(-2)?.replyTo).toBe(2);
    expect(sut.replyTo.r1).toBeUndefined();
  });

  it('opens a thread with its parent and replies, and keeps it live when replies and changes arrive', async () => {
    const h = await inRoom();
    await useOutboxStore().send('r1', 'first answer', [], 1);
    const sut = useThreadsStore();

    await sut.openThread('r1', 1);
    expect(sut.parent?.content).toBe('message 1');
    expect(sut.replies.map((m) => m.content)).toEqual(['first answer']);

    const live = h.server.post('r1', 'bob', 'second answer');
    live.replyTo = 1;
    h.transport().emit('receive_message', live);
    h.transport().emit('receive_message', h.server.post('r1', 'bob', 'not in the thread'));
    const edit = changeOf(h, { kind: 'edit', target: 1, content: 'message 1, edited' });
    h.transport().emit('message_changed', edit);
    const del = changeOf(h, { kind: 'delete', target: live.seq });
    h.transport().emit('message_changed', del);
    await flushPromises();

    expect(sut.parent).toMatchObject({ content: 'message 1, edited', editedAt: edit.createdAt });
    expect(sut.replies.map((m) => [m.content, m.deleted ?? false])).toEqual([
      ['first answer', false],
      ['', true],
    ]);
  });

  it('rejects opening a message that is not there, as the server answers', async () => {
    await inRoom();
    const sut = useThreadsStore();

    await expect(sut.openThread('r1', 99)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('drops the reply and the thread of a room that goes away', async () => {
    await inRoom();
    const sut = useThreadsStore();
    sut.startReply('r1', 1);
    await sut.openThread('r1', 1);

    useMessagesStore().drop('r1');

    expect(sut.replyTo.r1).toBeUndefined();
    expect(sut.open).toBeNull();
  });
});
