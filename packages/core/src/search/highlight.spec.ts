import { describe, expect, it } from 'vitest';
import { FRAGMENT_LENGTH, escapeHtml, highlight, highlighter } from './highlight.js';

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

describe(highlighter.name, () => {
  const terms = Array.from({ length: 12 }, (_, i) => `t${String.fromCharCode(97 + i)}`);

  it('marks only the first 10 distinct terms of a longer query', () => {
    const [fragment = ''] = highlighter(terms.join(' '))(terms.join(' '));
    const marked = Array.from(fragment.matchAll(/<mark>(.*?)<\/mark>/g), (m) => m[1]);
    expect(marked).toEqual(terms.slice(0, 10));
  });

  it('keeps the worst query the contract allows over the longest content escaped and bounded', () => {
    // 10 terms matching everywhere, in 4,000 characters of markup-laden text.
    const query = `${terms.slice(0, 8).join(' ')} 방 채팅`;
    const words = [...terms, '<b>', '&amp;', '"q"', "'s'", '채팅방', '방방'];
    const content = Array.from({ length: 4000 }, (_, i) => words[(i * 7) % words.length])
      .join(' ')
      .slice(0, 4000);
    const fragments = highlighter(query)(content);
    expect(fragments).toHaveLength(1);
    const [fragment = ''] = fragments;
    // Only <mark> survives as markup; every other < > " ' & is escaped.
    const unmarked = fragment.replace(/<\/?mark>/g, '');
    expect(unmarked).not.toMatch(/[<>"']|&(?!amp;|lt;|gt;|quot;|#39;)/);
    const text = unmarked
      .replace(/^…|…$/g, '')
      .replace(
        /&(amp|lt|gt|quot|#39);/g,
        (e) => ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" })[e] ?? e,
      );
    expect(text.length).toBeLessThanOrEqual(FRAGMENT_LENGTH);
    expect(content.startsWith(text)).toBe(true);
    // Each mark is a whole run of matches: a term at a word start, or a Korean term anywhere.
    const marks = Array.from(fragment.matchAll(/<mark>(.*?)<\/mark>/g), (m) => m[1] ?? '');
    expect(marks.length).toBeGreaterThan(10);
    for (const mark of marks) expect(mark).toMatch(/^(t[a-h]|방|채팅)+$/);
    expect(fragment).toContain('<mark>채팅방</mark>');
    expect(fragment).toContain('<mark>방방</mark>');
    expect(fragment).toContain('&lt;b&gt;');
    // Bounded: at most every character escaped (6×) and every other one a mark, plus ellipses.
    expect(fragment.length).toBeLessThanOrEqual(
      FRAGMENT_LENGTH * 6 + (FRAGMENT_LENGTH / 2) * 13 + 2,
    );
  });
});

describe(escapeHtml.name, () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
