import { describe, expect, it } from 'vitest';
import { cjkQueryTokens, indexTokens, parseQueryTerms, splitTerms } from './tokenize.js';

describe(splitTerms.name, () => {
  it('splits text into lower-cased word runs and CJK runs', () => {
    expect(splitTerms('Hello, 채팅방에서 ＷＯＲＬＤ! カタカナー漢字')).toEqual([
      { kind: 'word', text: 'hello' },
      { kind: 'cjk', text: '채팅방에서' },
      { kind: 'word', text: 'world' },
      { kind: 'cjk', text: 'カタカナー漢字' },
    ]);
    expect(splitTerms('abc채팅def')).toEqual([
      { kind: 'word', text: 'abc' },
      { kind: 'cjk', text: '채팅' },
      { kind: 'word', text: 'def' },
    ]);
  });
});

describe(parseQueryTerms.name, () => {
  it('drops query syntax, keeps operator words as terms and dedupes', () => {
    expect(parseQueryTerms('"hello" OR NEAR(x*) -hello content:')).toEqual([
      { kind: 'word', text: 'hello' },
      { kind: 'word', text: 'or' },
      { kind: 'word', text: 'near' },
      { kind: 'word', text: 'x' },
      { kind: 'word', text: 'content' },
    ]);
    expect(parseQueryTerms('" * - : ( )')).toEqual([]);
  });
});

describe(indexTokens.name, () => {
  it('emits words, then per CJK run its bigrams in order followed by its unigrams', () => {
    expect(indexTokens('Hi 채팅방 가')).toEqual([
      'hi',
      '_채팅',
      '_팅방',
      '_채',
      '_팅',
      '_방',
      '_가',
    ]);
  });
});

describe(cjkQueryTokens.name, () => {
  it('turns a term into its consecutive bigrams, or its unigram', () => {
    expect(cjkQueryTokens('채팅방')).toEqual(['_채팅', '_팅방']);
    expect(cjkQueryTokens('방')).toEqual(['_방']);
  });
});
