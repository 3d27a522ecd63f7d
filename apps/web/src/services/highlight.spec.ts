import { describe, expect, it } from 'vitest';
import { highlightText, sanitizeHighlight } from './highlight';

describe('sanitizeHighlight', () => {
  it('keeps <mark> around matches of server-escaped text', () => {
    expect(sanitizeHighlight('<mark>채팅</mark>방에서 만나요 &amp; more')).toBe(
      '<mark>채팅</mark>방에서 만나요 &amp; more',
    );
  });

  it('keeps escaped markup escaped', () => {
    const html = '&lt;img src=x onerror=alert(1)&gt; <mark>hello</mark>';
    expect(sanitizeHighlight(html)).toBe('&lt;img src=x onerror=alert(1)&gt; <mark>hello</mark>');
  });

  it('escapes any element other than a bare mark, even if the server failed to', () => {
    const html = '<img src=x onerror=alert(1)><mark onclick="x()">a</mark><script>b</script>';
    // The unmatched </mark> closes nothing and is dropped.
    expect(sanitizeHighlight(html)).toBe(
      '&lt;img src=x onerror=alert(1)&gt;&lt;mark onclick=&quot;x()&quot;&gt;a&lt;script&gt;b&lt;/script&gt;',
    );
  });

  it('decodes numeric entities before re-escaping them', () => {
    expect(sanitizeHighlight('&#60;b&#x3e; &#39;q&#39;')).toBe('&lt;b&gt; &#39;q&#39;');
  });

  it('balances stray and nested mark tags', () => {
    expect(sanitizeHighlight('</mark>a<mark>b<mark>c</mark>d')).toBe('a<mark>bcd</mark>');
  });

  it('gives the plain text for labels', () => {
    expect(highlightText('<mark>a</mark> &lt;b&gt;')).toBe('a <b>');
  });
});
