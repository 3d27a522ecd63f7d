import type { Message } from '@chat/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResult } from '@chat/contracts';
import type { SearchIndex, SearchQuery } from '../ports/search-index.port.js';
import { makeMessage, uniqueId, type ConformanceFactory } from './harness.js';

const HOSTILE_QUERIES = [
  '"',
  '*',
  'OR',
  'NEAR(',
  '-',
  ':',
  'hello"',
  'hel*',
  '-hello',
  'hello OR',
  'NEAR(hello world)',
  'content:hello',
  '(hello',
  "'; DROP TABLE messages; --",
  '^hello',
  '\\',
  '{}[]',
];

/**
 * The SearchIndex guarantees: idempotent indexing, every term must match (Latin by
 * case-insensitive word prefix, Korean inside longer words), only the given rooms, escaped
 * highlights, cursor paging, room deletion, and no query syntax injection.
 */
export function describeSearchIndexConformance(
  name: string,
  factory: ConformanceFactory<SearchIndex>,
): void {
  describe(name, () => {
    let sut!: SearchIndex;
    let cleanup!: () => Promise<void>;
    beforeAll(async () => ({ sut, cleanup } = await factory()));
    afterAll(() => cleanup());

    /** Indexes one message per content in a new room; returns the room and its messages. */
    const roomWith = async (...contents: string[]) => {
      const roomId = uniqueId('room');
      const messages = contents.map((content, i) => makeMessage(roomId, i + 1, { content }));
      await sut.putBatch(messages);
      return { roomId, messages };
    };
    const search = (query: string, roomIds: string[], extra: Partial<SearchQuery> = {}) =>
      sut.search({ query, roomIds, limit: 20, sort: 'newest', ...extra });
    const contentsOf = (page: SearchResult) => page.hits.map((h) => h.message.content).sort();

    it('finds a message and returns it whole', async () => {
      const { roomId, messages } = await roomWith('Hello world');
      const page = await search('hello', [roomId]);
      expect(page.hits.map((h) => h.message)).toEqual(messages);
      expect(page.nextCursor).toBeNull();
    });

    it('indexes a message once however often it is indexed', async () => {
      const { roomId, messages } = await roomWith('duplicate delivery');
      await sut.putBatch(messages);
      await sut.putBatch([...messages, ...messages]);
      expect((await search('duplicate', [roomId])).hits).toHaveLength(1);
    });

    it('matches English case-insensitively and by word prefix', async () => {
      const { roomId } = await roomWith('Hello World from the Chat');
      for (const query of ['hello', 'HELLO', 'hel', 'WoR', 'chat', 'Hello world']) {
        expect((await search(query, [roomId])).hits, query).toHaveLength(1);
      }
      expect((await search('help', [roomId])).hits).toEqual([]);
    });

    it('matches Korean words inside longer words, down to one syllable', async () => {
      const { roomId } = await roomWith('채팅방에서 만나요', '오늘 날씨 좋다');
      for (const query of ['채팅', '방', '채팅방', '팅방에', '만나', '채팅방에서 만나요']) {
        expect(contentsOf(await search(query, [roomId])), query).toEqual(['채팅방에서 만나요']);
      }
      expect(contentsOf(await search('날씨', [roomId]))).toEqual(['오늘 날씨 좋다']);
      expect((await search('방채', [roomId])).hits).toEqual([]);
      expect((await search('채팅 날씨', [roomId])).hits).toEqual([]);
    });

    it('requires every term to match', async () => {
      const { roomId } = await roomWith('apple banana', 'apple cherry', 'banana split');
      expect(contentsOf(await search('apple', [roomId]))).toEqual(['apple banana', 'apple cherry']);
      expect(contentsOf(await search('apple banana', [roomId]))).toEqual(['apple banana']);
      expect(contentsOf(await search('banana apple', [roomId]))).toEqual(['apple banana']);
      expect((await search('apple durian', [roomId])).hits).toEqual([]);
    });

    it('only returns messages of the given rooms', async () => {
      const mine = await roomWith('shared secret words');
      const theirs = await roomWith('shared secret words');
      const page = await search('secret', [mine.roomId, uniqueId('room')]);
      expect(page.hits.map((h) => h.message.id)).toEqual([mine.messages[0]?.id]);
      expect((await search('secret', [])).hits).toEqual([]);
      const both = await search('secret', [mine.roomId, theirs.roomId]);
      expect(both.hits).toHaveLength(2);
    });

    it('does not index system messages', async () => {
      const roomId = uniqueId('room');
      await sut.putBatch([makeMessage(roomId, 1, { kind: 'system', content: 'alice joined' })]);
      expect((await search('alice', [roomId])).hits).toEqual([]);
    });

    it('highlights matches in HTML-escaped fragments', async () => {
      const { roomId } = await roomWith(
        `<b>x</b> Hello & "bye" 채팅방 <img src=x onerror=alert(1)> it's`,
      );
      const [hit] = (await search('hello 채팅', [roomId])).hits;
      const html = hit?.highlights.join(' ') ?? '';
      expect(html).toMatch(/<mark>Hello<\/mark>/);
      expect(html).toMatch(/<mark>채팅<\/mark>/);
      expect(html).toContain('&lt;img');
      expect(html).toContain('&amp;');
      expect(html.replace(/<\/?mark>/g, '')).not.toMatch(/[<>"']/);
    });

    for (const sort of ['newest', 'relevance'] as const) {
      it(`pages ${sort} hits with a cursor, covering each hit once`, async () => {
        const contents = Array.from({ length: 7 }, (_, i) => `paging test number ${i}`);
        const { roomId, messages } = await roomWith(...contents);
        const seen: Message[] = [];
        let cursor: string | undefined;
        for (let pages = 1; ; pages++) {
          const page = await search('paging', [roomId], { sort, limit: 3, cursor });
          seen.push(...page.hits.map((h) => h.message));
          expect(page.hits.length, `page ${pages}`).toBe(pages < 3 ? 3 : 1);
          expect(pages).toBeLessThanOrEqual(3);
          if (page.nextCursor === null) break;
          cursor = page.nextCursor;
        }
        expect(seen.map((m) => m.id).sort()).toEqual(messages.map((m) => m.id).sort());
        if (sort === 'newest') expect(seen).toEqual([...messages].reverse());
      });
    }

    it('finds an edited message by its new text only, and a deleted one not at all', async () => {
      const { roomId, messages } = await roomWith('original wording here', 'doomed remark');
      const [edited, doomed] = messages as [Message, Message];
      const change = (kind: 'edit' | 'delete', target: Message, content = '', seq = 3) =>
        makeMessage(roomId, seq, { kind, target: target.seq, content });
      await sut.applyChanges([
        change('edit', edited, 'revised phrasing', 3),
        change('delete', doomed, '', 4),
      ]);
      expect(contentsOf(await search('revised', [roomId]))).toEqual(['revised phrasing']);
      expect((await search('original', [roomId])).hits).toEqual([]);
      expect((await search('doomed', [roomId])).hits).toEqual([]);
      // Applied again (a sink replaying its batch): the same outcome.
      await sut.applyChanges([change('delete', doomed, '', 4)]);
      expect(contentsOf(await search('revised', [roomId]))).toEqual(['revised phrasing']);
    });

    it('finds a message by the file names of its attachments and returns them with it', async () => {
      const roomId = uniqueId('room');
      const file = (name: string) => ({
        id: uniqueId('att'),
        name,
        type: 'application/pdf',
        size: 9,
      });
      const report = makeMessage(roomId, 1, {
        content: 'see attached',
        attachments: [file('quarterly-figures.pdf'), file('회의록.pdf')],
      });
      await sut.putBatch([report, makeMessage(roomId, 2, { content: 'no files here' })]);
      for (const query of ['quarterly', 'figures pdf', '회의']) {
        const page = await search(query, [roomId]);
        expect(
          page.hits.map((h) => h.message.id),
          query,
        ).toEqual([report.id]);
        expect(page.hits[0]?.message.attachments, query).toEqual(report.attachments);
      }
      const [hit] = (await search('quarterly', [roomId])).hits;
      expect(hit?.highlights).toEqual(['see attached', '<mark>quarterly</mark>-figures.pdf']);
      // An edit changes the text, not the files: the message is still found by its file name.
      await sut.applyChanges([makeMessage(roomId, 3, { kind: 'edit', target: 1, content: 'v2' })]);
      expect((await search('quarterly', [roomId])).hits.map((h) => h.message.content)).toEqual([
        'v2',
      ]);
    });

    it('does not index a message that arrives already deleted', async () => {
      const roomId = uniqueId('room');
      await sut.putBatch([makeMessage(roomId, 1, { content: '', deleted: true })]);
      await sut.putBatch([makeMessage(roomId, 2, { content: 'ghostly trace', deleted: true })]);
      expect((await search('ghostly', [roomId])).hits).toEqual([]);
    });

    it('returns nothing of a deleted room and keeps other rooms', async () => {
      const gone = await roomWith('vanishing message');
      const kept = await roomWith('vanishing message');
      await sut.deleteRoom(gone.roomId);
      expect((await search('vanishing', [gone.roomId])).hits).toEqual([]);
      expect((await search('vanishing', [gone.roomId, kept.roomId])).hits).toHaveLength(1);
    });

    it('treats query syntax as text and never fails on it', async () => {
      const { roomId } = await roomWith('hello world', 'near or far');
      for (const query of HOSTILE_QUERIES) {
        const page = await search(query, [roomId]);
        expect(
          page.hits.every((h) => h.message.roomId === roomId),
          query,
        ).toBe(true);
      }
      expect(contentsOf(await search('hello"', [roomId]))).toEqual(['hello world']);
      expect(contentsOf(await search('-hello', [roomId]))).toEqual(['hello world']);
      expect(contentsOf(await search('NEAR(hello', [roomId]))).toEqual([]);
      expect(contentsOf(await search('near OR', [roomId]))).toEqual(['near or far']);
    });

    it('answers ping', async () => {
      await expect(sut.ping()).resolves.toBeUndefined();
    });
  });
}
