import { describe, expect, it } from 'vitest';
import { FRAGMENT_LENGTH, escapeHtml, highlight } from './highlight.js';

describe(highlight.name, () => {
  it('escapes markup so the fragment is safe to render as HTML', () => {
    const [fragment] = highlight('<img src=x onerror=alert(1)> hello', 'hello');
    expect(fragment).toBe('&lt;img src=x onerror=alert(1)&gt; <mark>hello</mark>');
  });

  it('escapes & < > " and \' in and around matches', () => {
    expect(highlight(`a&b <"it's"> a&b`, 'b')).toEqual([
      `a&amp;<mark>b</mark> &lt;&quot;it&#39;s&quot;&gt; a&amp;<mark>b</mark>`,
    ]);
    expect(highlight('x', '<mark>')).toEqual(['x']);
    expect(highlight('hi <b>&</b>', 'hi')).toEqual(['<mark>hi</mark> &lt;b&gt;&amp;&lt;/b&gt;']);
  });

  it('marks Latin terms case-insensitively at word starts only', () => {
    expect(highlight('Hello HELLO othello', 'hel')).toEqual([
      '<mark>Hel</mark>lo <mark>HEL</mark>LO othello',
    ]);
    expect(highlight('Chat-room', 'ROOM')).toEqual(['Chat-<mark>room</mark>']);
  });

  it('marks Korean terms inside longer words', () => {
    expect(highlight('채팅방에서 만나요', '채팅')).toEqual(['<mark>채팅</mark>방에서 만나요']);
    expect(highlight('채팅방에서 방', '방')).toEqual(['채팅<mark>방</mark>에서 <mark>방</mark>']);
  });

  it('marks every term and joins overlapping matches', () => {
    expect(highlight('채팅방에서 hello world', '채팅 팅방 world')).toEqual([
      '<mark>채팅방</mark>에서 hello <mark>world</mark>',
    ]);
  });

  it('marks decomposed Hangul as typed on some systems', () => {
    expect(highlight('채팅'.normalize('NFD'), '채팅')).toEqual(['<mark>채팅</mark>']);
  });

  it('returns short content whole, even without a match', () => {
    expect(highlight('nothing to see', 'zebra')).toEqual(['nothing to see']);
    expect(highlight('query syntax', '" OR NEAR( *')).toEqual(['query syntax']);
  });

  it('cuts long content to a window around the first match with ellipses', () => {
    const content = `${'a '.repeat(200)}needle ${'b '.repeat(200)}`;
    const [fragment = ''] = highlight(content, 'needle');
    expect(fragment.startsWith('…')).toBe(true);
    expect(fragment.endsWith('…')).toBe(true);
    expect(fragment).toContain('<mark>needle</mark>');
    expect(fragment.replace(/<\/?mark>|…/g, '').length).toBeLessThanOrEqual(FRAGMENT_LENGTH);
  });

  it('starts a long fragment at the beginning when the match is near it', () => {
    const [fragment = ''] = highlight(`needle ${'x'.repeat(300)}`, 'needle');
    expect(fragment.startsWith('<mark>needle</mark>')).toBe(true);
    expect(fragment.endsWith('…')).toBe(true);
  });

  it('never splits a surrogate pair at a window edge', () => {
    const [fragment = ''] = highlight('😀'.repeat(150), '😀');
    expect(fragment).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(fragment).not.toMatch(/(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
});

describe(escapeHtml.name, () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
