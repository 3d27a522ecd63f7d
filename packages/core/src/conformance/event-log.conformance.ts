import { pollUntil } from '@chat/test-support/poll';
import {
  PREVIEW_CODE_POINTS,
  previewContent,
  systemEventContent,
  type Message,
  type SystemMessageEvent,
} from '@chat/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SENT_MARKS_KEPT, type EventLog, type MessageDraft } from '../ports/event-log.port.js';
import { sleep, uniqueId, type ConformanceFactory } from './harness.js';

export const draft = (roomId: string, overrides: Partial<MessageDraft> = {}): MessageDraft => ({
  id: uniqueId('msg'),
  roomId,
  userId: 'alice',
  content: 'hello',
  kind: 'user',
  createdAt: new Date().toISOString(),
  ...overrides,
});

/**
 * The EventLog guarantees (ports/event-log.port.ts) as the gateway depends on them: per-room
 * seqs, idempotent appends, the history window, sent marks and the live feed.
 */
export function describeEventLogConformance(
  name: string,
  factory: ConformanceFactory<EventLog>,
): void {
  describe(name, () => {
    let sut!: EventLog;
    let cleanup!: () => Promise<void>;
    beforeAll(async () => ({ sut, cleanup } = await factory()));
    afterAll(() => cleanup());

    const appendAll = async (roomId: string, n: number): Promise<string[]> => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push((await sut.appendMessage(draft(roomId))).message.id);
      return ids;
    };

    it('assigns seqs strictly increasing per room and independent across rooms', async () => {
      const [a, b, empty] = [uniqueId('room'), uniqueId('room'), uniqueId('room')];
      const seqs: number[] = [];
      for (const roomId of [a, b, a, a, b]) {
        seqs.push((await sut.appendMessage(draft(roomId))).message.seq);
      }
      expect(seqs).toEqual([1, 1, 2, 3, 2]);
      const last = await sut.lastSeqs([a, b, empty]);
      expect([last.get(a), last.get(b), last.get(empty)]).toEqual([3, 2, 0]);
    });

    it('gives 50 concurrent appends to one room seqs 1..50 with no gap or duplicate', async () => {
      const roomId = uniqueId('room');
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => sut.appendMessage(draft(roomId, { content: `${i}` }))),
      );
      const seqs = results.map((r) => r.message.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(results.every((r) => !r.duplicate)).toBe(true);
      const window = await sut.window(roomId, { limit: 100 });
      expect(window.map((m) => m.seq)).toEqual(seqs);
    });

    it('returns the first message for a retried clientMsgId and appends nothing', async () => {
      const roomId = uniqueId('room');
      const first = await sut.appendMessage(draft(roomId, { clientMsgId: 'c1', content: 'first' }));
      const retry = await sut.appendMessage(draft(roomId, { clientMsgId: 'c1', content: 'other' }));
      expect(first.duplicate).toBe(false);
      expect(first.message).toMatchObject({ seq: 1, content: 'first', clientMsgId: 'c1' });
      expect(retry).toEqual({ message: first.message, duplicate: true });
      expect((await sut.lastSeqs([roomId])).get(roomId)).toBe(1);
      expect(await sut.window(roomId, { limit: 10 })).toEqual([first.message]);
    });

    it('dedupes concurrent retries of one clientMsgId to one message', async () => {
      const roomId = uniqueId('room');
      const results = await Promise.all(
        Array.from({ length: 5 }, () => sut.appendMessage(draft(roomId, { clientMsgId: 'same' }))),
      );
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
      expect((await sut.lastSeqs([roomId])).get(roomId)).toBe(1);
    });

    it('treats the same clientMsgId from another user or room as a new message', async () => {
      const [roomId, other] = [uniqueId('room'), uniqueId('room')];
      await sut.appendMessage(draft(roomId, { clientMsgId: 'c1' }));
      const byBob = await sut.appendMessage(draft(roomId, { clientMsgId: 'c1', userId: 'bob' }));
      const elsewhere = await sut.appendMessage(draft(other, { clientMsgId: 'c1' }));
      expect(byBob).toMatchObject({ duplicate: false, message: { seq: 2, userId: 'bob' } });
      expect(elsewhere).toMatchObject({ duplicate: false, message: { seq: 1, roomId: other } });
    });

    it('serves the window newest, before and after a seq, ascending, system included', async () => {
      const roomId = uniqueId('room');
      const stored = [];
      for (let i = 1; i <= 5; i++) {
        const kind = i === 5 ? 'system' : 'user';
        stored.push((await sut.appendMessage(draft(roomId, { kind, content: `m${i}` }))).message);
      }
      const seqs = async (range: Parameters<EventLog['window']>[1]) =>
        (await sut.window(roomId, range)).map((m) => m.seq);
      expect(await sut.window(roomId, { limit: 10 })).toEqual(stored);
      expect(await seqs({ limit: 3 })).toEqual([3, 4, 5]);
      expect(await seqs({ before: 3, limit: 10 })).toEqual([1, 2]);
      expect(await seqs({ before: 5, limit: 2 })).toEqual([3, 4]);
      expect(await seqs({ after: 2, limit: 2 })).toEqual([3, 4]);
      expect(await seqs({ after: 5, limit: 10 })).toEqual([]);
      expect(await sut.window(uniqueId('room'), { limit: 10 })).toEqual([]);
    });

    it('serves no window for a forgotten room but keeps its seqs and other rooms', async () => {
      const [gone, kept] = [uniqueId('room'), uniqueId('room')];
      await appendAll(gone, 2);
      await appendAll(kept, 2);
      await sut.deleteRoom(gone);
      expect(await sut.window(gone, { limit: 10 })).toEqual([]);
      expect(await sut.window(gone, { after: 0, limit: 10 })).toEqual([]);
      expect(await sut.window(kept, { limit: 10 })).toHaveLength(2);
      expect((await sut.appendMessage(draft(gone))).message.seq).toBe(3);
    });

    it('counts unread user messages of others after a seq, and after the reader’s own newest', async () => {
      const [room, quiet, unknown] = [uniqueId('room'), uniqueId('room'), uniqueId('room')];
      for (const userId of ['alice', 'bob', 'carol']) {
        await sut.appendMessage(draft(room, { userId }));
      }
      await sut.appendMessage(draft(room, { userId: 'bob', kind: 'system' }));
      await sut.appendMessage(draft(room, { userId: 'dave' }));
      await sut.appendMessage(draft(quiet, { kind: 'system' }));
      const count = async (reader: string, roomId: string, seq: number, cap = 10) =>
        (await sut.unreadCounts(reader, new Map([[roomId, seq]]), cap)).get(roomId)?.messages;
      expect(await count('zed', room, 1)).toBe(3);
      expect(await count('zed', room, 0, 2)).toBe(2);
      // Sending reads everything before: counted from the reader's own newest user message.
      expect(await count('carol', room, 0)).toBe(1);
      expect(await count('bob', room, 0)).toBe(2);
      expect(await count('dave', room, 0)).toBe(0);
      expect(await count('zed', quiet, 0)).toBe(0);
      expect((await count('zed', unknown, 0)) ?? 0).toBe(0);
      const both = await sut.unreadCounts(
        'zed',
        new Map([
          [room, 3],
          [quiet, 0],
        ]),
        10,
      );
      expect([both.get(room)?.messages, both.get(quiet)?.messages]).toEqual([1, 0]);
    });

    it('counts the unread messages that mention the reader, by id or with @room', async () => {
      const room = uniqueId('room');
      await sut.appendMessage(draft(room, { userId: 'zed' }));
      await sut.appendMessage(draft(room, { userId: 'bob', mentions: ['zed', 'amy'] }));
      await sut.appendMessage(draft(room, { userId: 'bob', mentions: ['amy'] }));
      await sut.appendMessage(draft(room, { userId: 'amy', mentionsRoom: true }));
      await sut.appendMessage(draft(room, { userId: 'bob', mentions: ['zedd'] }));
      await sut.appendMessage(draft(room, { userId: 'bob' }));
      const counts = async (reader: string, seq = 0) =>
        (await sut.unreadCounts(reader, new Map([[room, seq]]), 10)).get(room);
      expect(await counts('zed')).toEqual({ messages: 5, mentions: 2 });
      expect(await counts('zed', 3)).toEqual({ messages: 3, mentions: 1 });
      // Amy's own @room does not count for her; what came after her message does.
      expect(await counts('amy')).toEqual({ messages: 2, mentions: 0 });
      expect(await counts('carol')).toEqual({ messages: 6, mentions: 1 });
      expect(await counts('ze')).toEqual({ messages: 6, mentions: 1 });
    });

    it('counts over the newest SENT_MARKS_KEPT user messages, and forgets them with the room', async () => {
      const room = uniqueId('room');
      const cap = SENT_MARKS_KEPT - 1;
      await sut.appendMessage(draft(room, { userId: 'zed' }));
      for (let i = 0; i < SENT_MARKS_KEPT + 5; i++) {
        await sut.appendMessage(draft(room, { content: `m${i}` }));
      }
      const count = async (reader: string) =>
        (await sut.unreadCounts(reader, new Map([[room, 0]]), cap)).get(room)?.messages ?? 0;
      expect(await count('zed')).toBe(cap);
      await sut.appendMessage(draft(room, { userId: 'zed' }));
      await sut.appendMessage(draft(room));
      expect(await count('zed')).toBe(1);
      await sut.deleteRoom(room);
      expect(await count('zed')).toBe(0);
    });

    it('feeds new messages to every subscriber in seq order per room, without duplicates', async () => {
      const [roomA, roomB] = [uniqueId('room'), uniqueId('room')];
      const first: Message[] = [];
      const second: Message[] = [];
      const stopFirst = await sut.subscribe((m) => first.push(m));
      const stopSecond = await sut.subscribe((m) => second.push(m));
      try {
        const appends = [roomA, roomB].flatMap((roomId) =>
          Array.from({ length: 25 }, (_, i) =>
            sut.appendMessage(draft(roomId, { content: `m${i}` })),
          ),
        );
        const retried = draft(roomA, { clientMsgId: uniqueId('cmid') });
        appends.push(
          sut.appendMessage(retried),
          sut.appendMessage({ ...retried, id: uniqueId('msg') }),
        );
        await Promise.all(appends);
        for (const feed of [first, second]) {
          const got = await pollUntil(
            () => Promise.resolve(feed.filter((m) => m.roomId === roomA || m.roomId === roomB)),
            (l) => l.length === 51,
            { timeoutMs: 5000 },
          );
          const seqsOf = (roomId: string) =>
            got.filter((m) => m.roomId === roomId).map((m) => m.seq);
          expect(seqsOf(roomA)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
          expect(seqsOf(roomB)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
        }
      } finally {
        await stopFirst();
        await stopSecond();
      }
      const after = await sut.appendMessage(draft(roomA));
      await sleep(100);
      expect(first.some((m) => m.id === after.message.id)).toBe(false);
    });

    describe('changes', () => {
      const change = (
        roomId: string,
        kind: 'edit' | 'delete' | 'reaction',
        target: number,
        extra: Partial<MessageDraft> = {},
      ) => draft(roomId, { kind, target, content: '', ...extra });

      it('gives changes seqs of their own and serves them apart from messages', async () => {
        const roomId = uniqueId('room');
        await sut.appendMessage(draft(roomId, { content: 'one' }));
        await sut.appendMessage(draft(roomId, { content: 'two', replyTo: 1, mentions: ['bob'] }));
        const edit = await sut.appendMessage(change(roomId, 'edit', 1, { content: 'uno' }));
        const like = await sut.appendMessage(
          change(roomId, 'reaction', 2, { emoji: '👍', on: true, userId: 'bob' }),
        );
        expect([edit.message.seq, like.message.seq]).toEqual([3, 4]);
        expect(edit.message).toMatchObject({ kind: 'edit', target: 1, content: 'uno' });
        const window = await sut.window(roomId, { limit: 10 });
        expect(window.map((m) => m.kind)).toEqual(['user', 'user', 'edit', 'reaction']);
        expect(window[1]).toMatchObject({ replyTo: 1, mentions: ['bob'] });
        expect((await sut.changes(roomId, 0)).map((m) => m.seq)).toEqual([3, 4]);
        expect((await sut.changes(roomId, 3)).map((m) => m.seq)).toEqual([4]);
        expect(await sut.changes(roomId, 4)).toEqual([]);
        expect(await sut.changes(uniqueId('room'), 0)).toEqual([]);
      });

      it('takes a deleted message’s text out of the window, with its edits’', async () => {
        const roomId = uniqueId('room');
        await sut.appendMessage(draft(roomId, { content: 'private words', mentions: ['bob'] }));
        await sut.appendMessage(draft(roomId, { content: 'kept words' }));
        await sut.appendMessage(change(roomId, 'edit', 1, { content: 'private edit' }));
        await sut.appendMessage(change(roomId, 'edit', 2, { content: 'kept edit' }));
        await sut.appendMessage(change(roomId, 'delete', 1));
        const window = await sut.window(roomId, { limit: 10 });
        const changes = await sut.changes(roomId, 0);
        expect(JSON.stringify([window, changes])).not.toContain('private');
        expect(window[0]).toMatchObject({ seq: 1, content: '', deleted: true });
        expect(window[0]?.mentions).toBeUndefined();
        expect(window.map((m) => m.content)).toEqual(['', 'kept words', '', 'kept edit', '']);
        expect(changes.map((m) => [m.seq, m.kind, m.content])).toEqual([
          [3, 'edit', ''],
          [4, 'edit', 'kept edit'],
          [5, 'delete', ''],
        ]);
      });

      it('keeps the preview of the newest user or system message, its edit and deletion in', async () => {
        const [roomId, quiet, empty] = [uniqueId('room'), uniqueId('room'), uniqueId('room')];
        const long = '가'.repeat(PREVIEW_CODE_POINTS + 1);
        await sut.appendMessage(draft(roomId, { content: 'older' }));
        const newest = (await sut.appendMessage(draft(roomId, { content: long, userId: 'bob' })))
          .message;
        await sut.appendMessage(change(roomId, 'reaction', 2, { emoji: '👍', on: true }));
        await sut.appendMessage(change(roomId, 'edit', 1, { content: 'older, edited' }));
        await sut.appendMessage(draft(quiet, { kind: 'system', content: 'alice invited bob' }));
        const previews = await sut.lastMessages([roomId, quiet, empty]);
        expect(previews.get(roomId)).toEqual({
          seq: 2,
          userId: 'bob',
          kind: 'user',
          content: `${'가'.repeat(PREVIEW_CODE_POINTS - 1)}…`,
          createdAt: newest.createdAt,
        });
        expect(previews.get(quiet)).toMatchObject({ seq: 1, kind: 'system' });
        expect(previews.has(empty)).toBe(false);

        await sut.appendMessage(change(roomId, 'edit', 2, { content: 'short now' }));
        expect((await sut.lastMessages([roomId])).get(roomId)).toMatchObject({
          seq: 2,
          content: 'short now',
        });
        await sut.appendMessage(change(roomId, 'delete', 2, { userId: 'bob' }));
        const deleted = (await sut.lastMessages([roomId])).get(roomId);
        expect(deleted).toMatchObject({ seq: 2, content: '', deleted: true });
        await sut.deleteRoom(roomId);
        expect((await sut.lastMessages([roomId])).has(roomId)).toBe(false);
      });

      it('feeds changes to subscribers in seq order, like messages', async () => {
        const roomId = uniqueId('room');
        const fed: Message[] = [];
        const stop = await sut.subscribe((m) => {
          if (m.roomId === roomId) fed.push(m);
        });
        try {
          await sut.appendMessage(draft(roomId));
          await sut.appendMessage(change(roomId, 'reaction', 1, { emoji: '🎉', on: true }));
          await sut.appendMessage(change(roomId, 'delete', 1));
          await pollUntil(
            () => Promise.resolve(fed.length),
            (n) => n >= 3,
          );
          expect(fed.map((m) => [m.seq, m.kind])).toEqual([
            [1, 'user'],
            [2, 'reaction'],
            [3, 'delete'],
          ]);
          expect(fed[1]).toMatchObject({ target: 1, emoji: '🎉', on: true });
        } finally {
          await stop();
        }
      });

      it('answers a retried change with its first ack and appends nothing', async () => {
        const roomId = uniqueId('room');
        await sut.appendMessage(draft(roomId));
        const first = await sut.appendMessage(change(roomId, 'delete', 1, { clientMsgId: 'd1' }));
        const again = await sut.appendMessage(change(roomId, 'delete', 1, { clientMsgId: 'd1' }));
        expect(again).toMatchObject({ duplicate: true, message: { seq: first.message.seq } });
        expect((await sut.lastSeqs([roomId])).get(roomId)).toBe(2);
      });
    });

    it('keeps a system message’s event in the append, the window, the feed and the preview', async () => {
      const roomId = uniqueId('room');
      const fed: Message[] = [];
      const stop = await sut.subscribe((m) => {
        if (m.roomId === roomId) fed.push(m);
      });
      try {
        await sut.appendMessage(draft(roomId, { content: 'before' }));
        const topic: SystemMessageEvent = {
          type: 'topic',
          actorId: 'alice',
          topic: '“quoted” \\ "seq":1 채팅',
        };
        const events: SystemMessageEvent[] = [
          { type: 'invited', actorId: 'alice', targetIds: ['bob', '캐럴'] },
          topic,
        ];
        const appended: Message[] = [];
        for (const event of events) {
          const content = systemEventContent(event);
          const result = await sut.appendMessage(draft(roomId, { kind: 'system', content, event }));
          appended.push(result.message);
        }
        expect(appended.map((m) => m.event)).toEqual(events);
        // An edit of an earlier message leaves the system preview as it is.
        await sut.appendMessage(
          draft(roomId, { kind: 'edit', target: 1, content: 'before, edited' }),
        );

        const window = await sut.window(roomId, { limit: 10 });
        expect(window.filter((m) => m.kind === 'system')).toEqual(appended);
        await pollUntil(
          () => Promise.resolve(fed.length),
          (n) => n >= 4,
        );
        expect(fed.filter((m) => m.kind === 'system')).toEqual(appended);
        expect((await sut.lastMessages([roomId])).get(roomId)).toEqual({
          seq: 3,
          userId: 'alice',
          kind: 'system',
          content: previewContent(systemEventContent(topic)),
          createdAt: appended[1]?.createdAt,
          event: topic,
        });
      } finally {
        await stop();
      }
    });

    it('answers ping', async () => {
      await expect(sut.ping()).resolves.toBeUndefined();
    });
  });
}
