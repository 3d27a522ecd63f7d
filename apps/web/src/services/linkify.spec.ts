import { describe, expect, it } from 'vitest';
import { linkify } from './linkify';

describe('linkify', () => {
  it('turns http and https URLs into links and leaves the rest as text', () => {
    expect(linkify('see https://example.com/a?b=1, then http://x.org.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ', then ' },
      { kind: 'link', text: 'http://x.org', href: 'http://x.org/' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('links a www. address as http, the way GitHub-flavoured Markdown does', () => {
    expect(linkify('see www.example.org/docs, (www.한국.kr) or WWW.Example.com.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'www.example.org/docs', href: 'http://www.example.org/docs' },
      { kind: 'text', text: ', (' },
      { kind: 'link', text: 'www.한국.kr', href: 'http://www.xn--3e0b707e.kr/' },
      { kind: 'text', text: ') or ' },
      { kind: 'link', text: 'WWW.Example.com', href: 'http://www.example.com/' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('leaves www. inside a word, an address or a bare www. as text', () => {
    for (const text of ['awww.example.org', 'me@www.example.org', 'www. and www..x', 'www']) {
      expect(linkify(text)).toEqual([{ kind: 'text', text }]);
    }
  });

  it('never links other schemes', () => {
    const text = 'javascript:alert(1) data:text/html,<b>x</b> ftp://host/file';
    expect(linkify(text)).toEqual([{ kind: 'text', text }]);
  });

  it('keeps markup as plain text', () => {
    expect(linkify('<img src=x onerror=alert(1)>')).toEqual([
      { kind: 'text', text: '<img src=x onerror=alert(1)>' },
    ]);
  });

  it('keeps a closing parenthesis that is part of the URL', () => {
    expect(linkify('(https://en.wikipedia.org/wiki/Foo_(bar))')[1]).toMatchObject({
      kind: 'link',
      text: 'https://en.wikipedia.org/wiki/Foo_(bar)',
    });
  });
});
