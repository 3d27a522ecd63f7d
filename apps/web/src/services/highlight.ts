/**
 * Search highlights arrive as server-escaped HTML with matches in `<mark>`. Before they reach
 * `v-html`, they are rebuilt here so that the only markup left is balanced `<mark>` tags: every
 * other character is decoded and re-escaped, so anything else shows as text.
 */
const MARK_TAG = /(<\/?mark>)/gi;
const ENTITY = /&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos|#39|nbsp);/gi;
const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

const decodeEntity = (_: string, name: string): string => {
  const lower = name.toLowerCase();
  if (lower.startsWith('#')) {
    const code = lower.startsWith('#x')
      ? Number.parseInt(lower.slice(2), 16)
      : Number.parseInt(lower.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
  }
  return NAMED[lower] ?? '';
};

export const escapeHtml = (text: string): string =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

/** The highlight as HTML whose only elements are `<mark>`; safe for `v-html`. */
export const sanitizeHighlight = (html: string): string => {
  let depth = 0;
  let out = '';
  for (const part of html.split(MARK_TAG)) {
    const tag = part.toLowerCase();
    if (tag === '<mark>') {
      if (depth === 0) out += '<mark>';
      depth++;
    } else if (tag === '</mark>') {
      if (depth === 1) out += '</mark>';
      depth = Math.max(0, depth - 1);
    } else {
      out += escapeHtml(part.replace(ENTITY, decodeEntity));
    }
  }
  return depth > 0 ? `${out}</mark>` : out;
};

/** The highlight as plain text, e.g. for an accessible label. */
export const highlightText = (html: string): string =>
  html.replace(MARK_TAG, '').replace(ENTITY, decodeEntity);
