import { describe, expect, it } from 'vitest';
import {
  decodeEnvelope,
  ENVELOPE_VERSION,
  messageEnvelope,
  serialiseAroundSeq,
} from './envelope.js';
import { GetMessagesSchema, SearchSchema, SendMessageSchema } from './events.js';
import {
  codePointLength,
  describeNameProblem,
  MAX_CONTENT_CODE_POINTS,
  nameKey,
  nameProblem,
  normaliseName,
} from './limits.js';

describe('normaliseName', () => {
  it('trims, NFC-normalises and keeps the case of a valid name', () => {
    expect(normaliseName('  Alice ')).toBe('Alice');
    // 한 written as three conjoining jamo becomes the one precomposed syllable.
    expect(normaliseName('\u1112\u1161\u11ab\u1100\u1173\u11af')).toBe('한글');
    expect(nameKey('Alice')).toBe('alice');
  });

  it.each(['', '   ', 'a b', 'x<y', 'a'.repeat(33), 'tab\there', 'emoji🙂'])(
    'refuses %j',
    (raw) => {
      expect(normaliseName(raw)).toBeUndefined();
    },
  );

  it.each([
    ['a variation selector', 'bob\uFE0F'],
    ['a combining grapheme joiner', 'bob\u034F'],
    ['a zero-width joiner', 'b\u200Dob'],
    ['a Hangul filler', 'bob\u3164'],
    ['only Hangul fillers', '\u3164\u3164'],
    ['only a choseong filler', '\u115F'],
    ['only punctuation', '._-'],
  ])('refuses a name with %s, which looks like another or like nothing', (_, raw) => {
    expect(normaliseName(raw)).toBeUndefined();
  });

  it('counts code points, not UTF-16 units, against the 32 limit', () => {
    expect(normaliseName('가'.repeat(32))).toBe('가'.repeat(32));
    expect(normaliseName('𝒜'.repeat(32))).toBe('𝒜'.repeat(32));
    expect(normaliseName('𝒜'.repeat(33))).toBeUndefined();
  });
});

describe('nameProblem', () => {
  it('says a name is too long, with its length and the limit, when over 32 code points', () => {
    expect(nameProblem('a'.repeat(200))).toEqual({ kind: 'tooLong', length: 200, max: 32 });
    expect(describeNameProblem({ kind: 'tooLong', length: 200, max: 32 })).toBe(
      'a name is at most 32 characters; this one has 200',
    );
  });

  it('names the first character it refuses, a space included', () => {
    expect(nameProblem('ann@home')).toEqual({ kind: 'character', char: '@' });
    expect(nameProblem(' ann lee ')).toEqual({ kind: 'character', char: ' ' });
    expect(describeNameProblem({ kind: 'character', char: ' ' })).toContain('a space');
    expect(describeNameProblem({ kind: 'character', char: '<' })).toContain('"<"');
  });

  it('names an invisible code point by its number', () => {
    expect(nameProblem('ann\u200dlee')).toEqual({ kind: 'invisible', codePoint: 'U+200D' });
  });

  it('tells an empty name from one without letters or digits', () => {
    expect(nameProblem('   ')).toEqual({ kind: 'empty' });
    expect(nameProblem('._-')).toEqual({ kind: 'noLetter' });
    expect(nameProblem('한글')).toBeUndefined();
  });
});

describe('SendMessageSchema', () => {
  it('trims content and measures it in code points', () => {
    const emoji = '😀'.repeat(MAX_CONTENT_CODE_POINTS);
    expect(codePointLength(emoji)).toBe(MAX_CONTENT_CODE_POINTS);
    expect(SendMessageSchema.parse({ roomId: 'r', content: `  ${emoji}  ` }).content).toBe(emoji);
    expect(SendMessageSchema.safeParse({ roomId: 'r', content: `${emoji}x` }).success).toBe(false);
    expect(SendMessageSchema.safeParse({ roomId: 'r', content: ' \n ' }).success).toBe(false);
  });

  it('drops unknown keys, including prototype-polluting ones', () => {
    const raw = JSON.parse(
      '{"roomId":"r","content":"hi","__proto__":{"admin":true},"extra":1}',
    ) as unknown;
    const parsed = SendMessageSchema.parse(raw);
    expect(Object.keys(parsed).sort()).toEqual(['content', 'roomId']);
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });
});

describe('GetMessagesSchema', () => {
  it('refuses before and after together, and limits outside 1–100', () => {
    expect(GetMessagesSchema.safeParse({ roomId: 'r', before: 5, after: 1 }).success).toBe(false);
    expect(GetMessagesSchema.safeParse({ roomId: 'r', limit: 101 }).success).toBe(false);
    expect(GetMessagesSchema.safeParse({ roomId: 'r', limit: 0 }).success).toBe(false);
    expect(GetMessagesSchema.parse({ roomId: 'r', after: 0, limit: 100 })).toEqual({
      roomId: 'r',
      after: 0,
      limit: 100,
    });
  });
});

describe('SearchSchema', () => {
  const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');
  const refusal = (query: string) => {
    const result = SearchSchema.safeParse({ query });
    return result.success ? undefined : result.error.issues.map((i) => i.message).join('; ');
  };

  it('refuses a query of more than 10 distinct terms, counted as the search splits them', () => {
    expect(refusal(words(10))).toBeUndefined();
    expect(refusal(words(11))).toBe('query has more than 10 terms');
    // Repeats and query syntax are not terms: these are two terms.
    expect(refusal('"hello" OR -hello* '.repeat(10))).toBeUndefined();
  });

  it('counts a run of Hangul or Kanji as one term, so sentences without spaces pass', () => {
    expect(
      refusal('오늘 회의에서 나온 채팅방 개편 일정과 담당자 정리해서 공유해 주세요'),
    ).toBeUndefined();
    expect(refusal('今日の会議の内容をまとめて共有してください'.repeat(9))).toBeUndefined();
    expect(refusal('가'.repeat(200))).toBeUndefined();
  });

  it('refuses a query longer than 200 code points', () => {
    expect(refusal('😀'.repeat(200))).toBeUndefined();
    expect(refusal('가'.repeat(201))).toBe('query is longer than 200 characters');
  });
});

describe('decodeEnvelope', () => {
  const message = {
    id: 'm1',
    roomId: 'r1',
    seq: 1,
    userId: 'alice',
    content: 'hi',
    createdAt: '2026-01-01T00:00:00.000Z',
    kind: 'user',
  };

  it('decodes the current version', () => {
    const raw = JSON.stringify({
      v: ENVELOPE_VERSION,
      id: 'm1',
      type: 'message.created',
      occurredAt: 'now',
      payload: message,
    });
    expect(decodeEnvelope(raw)).toMatchObject({
      ok: true,
      envelope: { type: 'message.created', payload: message },
    });
  });

  it.each([
    ['not JSON', '{'],
    [
      'an unknown version',
      JSON.stringify({
        v: 99,
        id: 'x',
        type: 'room.deleted',
        occurredAt: 'now',
        payload: { roomId: 'r' },
      }),
    ],
    [
      'an unknown type',
      JSON.stringify({ v: 1, id: 'x', type: 'room.renamed', occurredAt: 'now', payload: {} }),
    ],
    [
      'a message without a seq',
      JSON.stringify({
        v: 1,
        id: 'x',
        type: 'message.created',
        occurredAt: 'now',
        payload: { ...message, seq: undefined },
      }),
    ],
  ])('reports %s as poison', (_what, raw) => {
    expect(decodeEnvelope(raw).ok).toBe(false);
  });
});

describe('serialiseAroundSeq', () => {
  it('joins around a seq into exactly what messageEnvelope serialises', () => {
    const message = {
      id: 'm1',
      roomId: 'r1',
      userId: 'alice',
      content: 'a tricky "seq":9007199254740991 inside, and "payload":{}',
      createdAt: '2026-12-03T00:00:00.000Z',
      clientMsgId: 'c1',
      kind: 'user' as const,
    };
    const { message: m, envelope: e } = serialiseAroundSeq(message);
    const json = `${m[0]}42${m[1]}`;
    expect(JSON.parse(json)).toEqual({ ...message, seq: 42 });
    expect(`${e[0]}${json}${e[1]}`).toBe(JSON.stringify(messageEnvelope({ ...message, seq: 42 })));
  });
});
