import { describe, expect, it } from 'vitest';
import { connectedHarness } from '../testing/setup';
import { useMessagesStore } from './messages.store';
import { useOutboxStore } from './outbox.store';
import { useReadsStore } from './reads.store';
import { useRoomsStore } from './rooms.store';
import { useTypingStore } from './typing.store';

describe('useRoomsStore', () => {
  it('forgets history, outbox, typing and receipts of a room when it is removed', async () => {
    const h = await connectedHarness('alice', (s) => {
      s.addUser('bob');
      s.addRoom('r1', ['alice', 'bob']);
      s.postMany('r1', 2);
    });
    await useMessagesStore().select('r1');
    h.transport().drop();
    await useOutboxStore().send('r1', 'unsent');
    useTypingStore().apply({ roomId: 'r1', userId: 'bob', isTyping: true });
    useReadsStore().apply({ roomId: 'r1', userId: 'bob', seq: 2 });
    expect(useMessagesStore().timelines.r1?.messages).toHaveLength(2);
    expect(useOutboxStore().pendingIn('r1')).toHaveLength(1);
    expect(useTypingStore().typingIn('r1')).toEqual(['bob']);
    expect(useReadsStore().seenBy('r1', 2)).toEqual(['bob']);
    const sut = useRoomsStore();

    sut.remove('r1');

    expect(sut.byId.r1).toBeUndefined();
    expect(sut.openRoomId).toBeNull();
    expect(useMessagesStore().timelines.r1).toBeUndefined();
    expect(useOutboxStore().pendingIn('r1')).toEqual([]);
    expect(useTypingStore().typingIn('r1')).toEqual([]);
    expect(useReadsStore().seenBy('r1', 2)).toEqual([]);
  });

  it('keeps a change out of the room preview, folding it into the message shown', async () => {
    const h = await connectedHarness('alice', (s) => {
      s.addUser('bob');
      s.addRoom('r1', ['alice', 'bob']);
      s.postMany('r1', 2);
    });
    await useMessagesStore().select('r1');
    const sut = useRoomsStore();
    const edit = h.server.post('r1', 'bob', 'message 2, edited', 'edit');
    edit.target = 2;
    const reaction = h.server.post('r1', 'alice', '', 'reaction');
    Object.assign(reaction, { target: 2, emoji: '👍', on: true });

    h.transport().emit('message_changed', edit);
    h.transport().emit('message_changed', reaction);

    expect(sut.byId.r1?.lastSeq).toBe(reaction.seq);
    expect(sut.byId.r1?.lastMessage).toMatchObject({
      seq: 2,
      content: 'message 2, edited',
      reactions: [{ emoji: '👍', userIds: ['alice'] }],
    });
  });
});
