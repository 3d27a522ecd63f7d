import { describe, expect, it } from 'vitest';
import { snippetOf } from './snippet';

describe(snippetOf.name, () => {
  it('drops markdown marks and keeps the words when given formatted text', () => {
    expect(snippetOf('meet at **11** and `code`, ~~not~~ *this*')).toBe(
      'meet at 11 and code, not this',
    );
    expect(snippetOf('> quoted\n- one\n- two\n[the site](https://e.com)')).toBe(
      'quoted one two the site',
    );
  });

  it('keeps ids with underscores and cuts long text with an ellipsis', () => {
    expect(snippetOf('ask @kim_lee')).toBe('ask @kim_lee');
    expect(snippetOf('x'.repeat(100))).toBe(`${'x'.repeat(80)}…`);
  });
});
