import { systemEventContent, type Message, type SystemMessageEvent } from '@chat/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageStore } from '../ports/message-store.port.js';
import type { PageRange } from '../ports/page.js';
import { makeMessage, uniqueId, type ConformanceFactory } from './harness.js';

/** The MessageStore guarantees: idempotent batch writes, PageRange paging, room deletion. */
export function describeMessageStoreConformance(
  name: string,
  factory: ConformanceFactory<MessageStore>,
): void {
  describe(name, () => {
    let sut!: MessageStore;
    let cleanup!: () => Promise<void>;
    beforeAll(async () => ({ sut, cleanup } = await factory()));
    afterAll(() => cleanup());

    const roomOf = (n: number) => {
      const roomId = uniqueId('room');
      return { roomId, messages: Array.from({ length: n }, (_, i) => makeMessage(roomId, i + 1)) };
    };
    const seqs = async (roomId: string, range: PageRange) =>
      (await sut.page(roomId, range)).map((m) => m.seq);

    it('returns stored messages ascending by seq with every field intact', async () => {
      const roomId = uniqueId('room');
      const messages = [
        makeMessage(roomId, 2, { clientMsgId: 'client-2', content: '안녕하세요 <b>' }),
        makeMessage(roomId, 1),
        makeMessage(roomId, 3, { kind: 'system', userId: 'bob', content: 'bob joined' }),
      ];
      await sut.putBatch(messages);
      expect(await sut.page(roomId, { limit: 10 })).toEqual([
        messages[1],
        messages[0],
        messages[2],
      ]);
    });

    it('keeps a system message’s event, and a system message stored without one as it was', async () => {
      const roomId = uniqueId('room');
      const line = (seq: number, event: SystemMessageEvent) =>
        makeMessage(roomId, seq, {
          kind: 'system',
          userId: event.actorId,
          content: systemEventContent(event),
          event,
        });
      const messages = [
        line(1, { type: 'invited', actorId: 'alice', targetIds: ['bob', '캐럴'] }),
        line(2, { type: 'renamed', actorId: 'alice', name: '“새 이름” \\ x' }),
        line(3, { type: 'removed', actorId: 'alice', targetIds: ['bob'] }),
        makeMessage(roomId, 4, { kind: 'system', userId: 'bob', content: 'bob left' }),
      ];
      await sut.putBatch(messages);
      await sut.putBatch(messages.slice(1, 2));
      expect(await sut.page(roomId, { limit: 10 })).toEqual(messages);
      expect((await sut.page(roomId, { limit: 10 }))[3]).not.toHaveProperty('event');
    });

    it('keeps one copy of a message written twice', async () => {
      const { roomId, messages } = roomOf(4);
      await sut.putBatch(messages.slice(0, 3));
      await sut.putBatch(messages.slice(0, 3));
      await sut.putBatch(messages.slice(1));
      expect(await sut.page(roomId, { limit: 100 })).toEqual(messages);
    });

    it('pages newest, before and after a seq, always ascending', async () => {
      const { roomId, messages } = roomOf(10);
      await sut.putBatch(messages);
      expect(await seqs(roomId, { limit: 3 })).toEqual([8, 9, 10]);
      expect(await seqs(roomId, { before: 4, limit: 2 })).toEqual([2, 3]);
      expect(await seqs(roomId, { before: 3, limit: 10 })).toEqual([1, 2]);
      expect(await seqs(roomId, { before: 1, limit: 10 })).toEqual([]);
      expect(await seqs(roomId, { after: 2, limit: 3 })).toEqual([3, 4, 5]);
      expect(await seqs(roomId, { after: 7, limit: 10 })).toEqual([8, 9, 10]);
      expect(await seqs(roomId, { after: 10, limit: 10 })).toEqual([]);
      expect(await seqs(roomId, { after: 0, limit: 100 })).toHaveLength(10);
    });

    it('pages a room with no messages as empty', async () => {
      expect(await sut.page(uniqueId('room'), { limit: 10 })).toEqual([]);
    });

    it('writes a batch spanning rooms and keeps the rooms apart', async () => {
      const [a, b] = [roomOf(2), roomOf(3)];
      await sut.putBatch([...a.messages, ...b.messages]);
      expect(await sut.page(a.roomId, { limit: 10 })).toEqual(a.messages);
      expect(await sut.page(b.roomId, { limit: 10 })).toEqual(b.messages);
    });

    it('deletes one room and leaves the others untouched', async () => {
      const [gone, kept] = [roomOf(3), roomOf(3)];
      await sut.putBatch([...gone.messages, ...kept.messages]);
      await sut.deleteRoom(gone.roomId);
      expect(await sut.page(gone.roomId, { limit: 10 })).toEqual([]);
      expect(await sut.page(gone.roomId, { after: 0, limit: 10 })).toEqual([]);
      expect(await sut.page(kept.roomId, { limit: 10 })).toEqual(kept.messages);
    });

    describe('changes', () => {
      const change = (
        roomId: string,
        seq: number,
        kind: 'edit' | 'delete' | 'reaction',
        target: number,
        extra: Partial<Message> = {},
      ) => makeMessage(roomId, seq, { kind, target, content: '', userId: 'bob', ...extra });

      it('folds edits, reactions and deletions into their target, once however replayed', async () => {
        const roomId = uniqueId('room');
        const original = makeMessage(roomId, 1, { content: 'first draft', mentions: ['bob'] });
        const other = makeMessage(roomId, 2);
        const edit = change(roomId, 3, 'edit', 1, {
          content: 'second draft',
          userId: 'conformance-user',
        });
        const like = change(roomId, 4, 'reaction', 1, { emoji: '👍', on: true });
        const party = change(roomId, 5, 'reaction', 2, { emoji: '🎉', on: true });
        const batch = [original, other, edit, like, party];
        await sut.putBatch(batch);
        await sut.putBatch(batch);
        const page = await sut.page(roomId, { limit: 10 });
        expect(page.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
        expect(page[0]).toMatchObject({
          content: 'second draft',
          editedAt: edit.createdAt,
          reactions: [{ emoji: '👍', userIds: ['bob'] }],
        });
        expect(page[0]?.mentions).toBeUndefined();
        expect(page[1]?.reactions).toEqual([{ emoji: '🎉', userIds: ['bob'] }]);
        expect(page[2]).toMatchObject({ kind: 'edit', target: 1, content: 'second draft' });

        await sut.putBatch([change(roomId, 6, 'reaction', 1, { emoji: '👍', on: false })]);
        expect((await sut.page(roomId, { after: 0, limit: 1 }))[0]?.reactions).toBeUndefined();
      });

      it('keeps no text of a deleted message, in the message or in its edits', async () => {
        const roomId = uniqueId('room');
        await sut.putBatch([
          makeMessage(roomId, 1, { content: 'secret one' }),
          change(roomId, 2, 'edit', 1, { content: 'secret two', userId: 'conformance-user' }),
        ]);
        await sut.putBatch([change(roomId, 3, 'delete', 1)]);
        // A late edit (logged after the deletion) brings nothing back.
        await sut.putBatch([
          change(roomId, 4, 'edit', 1, { content: 'secret three', userId: 'conformance-user' }),
        ]);
        const page = await sut.page(roomId, { limit: 10 });
        expect(JSON.stringify(page)).not.toMatch(/secret (one|two|three)/);
        expect(page[0]).toMatchObject({ seq: 1, content: '', deleted: true });
        expect(page[0]?.editedAt).toBeUndefined();
      });

      it('lists the replies to a message, ascending, after a seq', async () => {
        const roomId = uniqueId('room');
        await sut.putBatch([
          makeMessage(roomId, 1),
          makeMessage(roomId, 2, { replyTo: 1 }),
          makeMessage(roomId, 3),
          makeMessage(roomId, 4, { replyTo: 1 }),
          makeMessage(roomId, 5, { replyTo: 3 }),
          makeMessage(roomId, 6, { replyTo: 1 }),
        ]);
        const seqsOf = (messages: Message[]) => messages.map((m) => m.seq);
        expect(seqsOf(await sut.replies(roomId, 1, { limit: 10 }))).toEqual([2, 4, 6]);
        expect(seqsOf(await sut.replies(roomId, 1, { after: 2, limit: 1 }))).toEqual([4]);
        expect(seqsOf(await sut.replies(roomId, 3, { limit: 10 }))).toEqual([5]);
        expect(await sut.replies(roomId, 2, { limit: 10 })).toEqual([]);
        await sut.deleteRoom(roomId);
        expect(await sut.replies(roomId, 1, { limit: 10 })).toEqual([]);
      });
    });

    it('answers ping', async () => {
      await expect(sut.ping()).resolves.toBeUndefined();
    });
  });
}
