// @vitest-environment jsdom
// happy-dom's DOM lets DOMPurify hand markup back unsanitised; jsdom is the DOM it supports.
import { describe, expect, it } from 'vitest';
import { renderMarkdown, sanitizeMessageHtml, type MentionContext } from './markdown';

const names: Record<string, string> = { bob: 'Bob B', alice: 'Alice' };
const ctx: MentionContext = {
  mentionable: new Set(['bob', 'alice']),
  me: 'alice',
  nameOf: (id) => names[id] ?? id,
};

/** The rendered HTML as a DOM, to ask what elements and attributes it really holds. */
const dom = (text: string, mentions?: MentionContext): HTMLElement => {
  const el = document.createElement('div');
  el.innerHTML = renderMarkdown(text, mentions);
  return el;
};

const attributesOf = (el: HTMLElement): string[] =>
  [...el.querySelectorAll('*')].flatMap((node) => [...node.attributes].map((a) => a.name));

describe(renderMarkdown.name, () => {
  it('renders the safe subset: bold, italic, strike, code, quotes, lists, links', () => {
    const sut = dom(
      '**b** *i* ~~s~~ `c`\n\n> q\n\n- one\n- two\n\n1. first\n\n```\nx < y\n```\n\n[t](https://e.com/a)',
    );

    expect(sut.querySelector('strong')?.textContent).toBe('b');
    expect(sut.querySelector('em')?.textContent).toBe('i');
    expect(sut.querySelector('s')?.textContent).toBe('s');
    expect(sut.querySelector('p code')?.textContent).toBe('c');
    expect(sut.querySelector('blockquote')?.textContent?.trim()).toBe('q');
    expect([...sut.querySelectorAll('ul > li')].map((li) => li.textContent)).toEqual([
      'one',
      'two',
    ]);
    expect(sut.querySelector('ol > li')?.textContent).toBe('first');
    expect(sut.querySelector('pre > code')?.textContent).toBe('x < y\n');
    const link = sut.querySelector('a');
    expect(link?.getAttribute('href')).toBe('https://e.com/a');
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
  });

  it('linkifies bare URLs and keeps single line breaks', () => {
    const sut = dom('see https://example.com/x.\nnext line');

    expect(sut.querySelector('a')?.getAttribute('href')).toBe('https://example.com/x');
    expect(sut.querySelector('a')?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(sut.querySelectorAll('br')).toHaveLength(1);
  });

  it('links www. addresses as http and https URLs normalised, as the plain-text linkifier does', () => {
    const sut = dom('see www.example.org/docs, or https://example.com and (www.w.org/a_(b))');

    expect([...sut.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([
      'http://www.example.org/docs',
      'https://example.com/',
      'http://www.w.org/a_(b)',
    ]);
  });

  it('leaves bare domain names and e-mail addresses as text', () => {
    const sut = dom('example.com or me@example.com');

    expect(sut.querySelectorAll('a')).toHaveLength(0);
  });

  it('leaves headings, images and tables as text when outside the subset', () => {
    const sut = dom('# title\n\n![a](https://e.com/x.png)');

    expect(sut.querySelector('h1')).toBeNull();
    expect(sut.querySelector('img')).toBeNull();
    expect(sut.textContent).toContain('# title');
  });

  it.each([
    ['[x](javascript:alert(1))'],
    ['[x](JaVaScRiPt:alert(1))'],
    ['[x](  javascript:alert(1))'],
    ['[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['[x](vbscript:msgbox(1))'],
    ['<javascript:alert(1)>'],
    ['[x](java\tscript:alert(1))'],
  ])('makes no link of an unsafe URL when given %s', (text) => {
    const sut = dom(text);

    expect(sut.querySelectorAll('a')).toHaveLength(0);
    expect(sut.innerHTML).not.toMatch(/href/i);
  });

  it.each([
    ['<img src=x onerror=alert(1)>'],
    ['**<script>alert(1)</script>**'],
    ['*<img src=x onerror=alert(1)>*'],
    ['> <iframe src="javascript:alert(1)"></iframe>'],
    ['`</code><img src=x onerror=alert(1)>`'],
    ['[<img src=x onerror=alert(1)>](https://e.com)'],
    ['<a href="javascript:alert(1)">x</a>'],
    ['<svg onload=alert(1)>'],
  ])('shows markup as text, never as elements, when given %s', (text) => {
    const sut = dom(text);

    expect(sut.querySelectorAll('img, script, iframe, svg, style')).toHaveLength(0);
    expect(attributesOf(sut).filter((name) => name.startsWith('on'))).toEqual([]);
    expect(sut.querySelectorAll('a:not([href^="https:"])')).toHaveLength(0);
  });

  it('keeps the text of markup inside markdown, e.g. bold script', () => {
    const sut = dom('**<script>alert(1)</script>**');

    expect(sut.querySelector('strong')?.textContent).toBe('<script>alert(1)</script>');
  });

  it('makes chips of mentions of members and of @room, the viewer’s standing out', () => {
    const sut = dom('hi @bob, @Alice and @room; not @carol or me@bob.com', ctx);

    const chips = [...sut.querySelectorAll('.mention')];
    expect(chips.map((c) => c.textContent)).toEqual(['@Bob B', '@Alice', '@room']);
    expect(chips.map((c) => c.classList.contains('mention--me'))).toEqual([false, true, true]);
    expect(sut.textContent).toContain('@carol');
    expect(sut.textContent).toContain('me@bob.com');
  });

  it('makes no chip inside code, and escapes a display name with markup', () => {
    const sut = dom('`@bob` @bob', { ...ctx, nameOf: () => '<img src=x onerror=alert(1)>' });

    expect(sut.querySelectorAll('.mention')).toHaveLength(1);
    expect(sut.querySelector('.mention')?.textContent).toBe('@<img src=x onerror=alert(1)>');
    expect(sut.querySelectorAll('img')).toHaveLength(0);
  });
});

describe(sanitizeMessageHtml.name, () => {
  it('keeps the message elements and drops everything else, handlers and unsafe links', () => {
    const sut = document.createElement('div');
    sut.innerHTML = sanitizeMessageHtml(
      '<p><strong>b</strong><img src=x onerror=alert(1)><script>alert(1)</script>' +
        '<a href="javascript:alert(1)" onclick="alert(1)">j</a><a href="data:text/html,x">d</a>' +
        '<a href="https://e.com">ok</a><iframe src="https://e.com"></iframe><b style="x">s</b></p>',
    );

    expect(sut.querySelectorAll('img, script, iframe, b')).toHaveLength(0);
    expect(attributesOf(sut).filter((name) => name.startsWith('on') || name === 'style')).toEqual(
      [],
    );
    expect([...sut.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([
      null,
      null,
      'https://e.com',
    ]);
    expect(sut.querySelector('strong')?.textContent).toBe('b');
  });
});
