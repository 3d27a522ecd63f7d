import { WORD_CHAR, parseQueryTerms, type Term } from './tokenize.js';

/** Content up to this many UTF-16 units is returned whole; longer content is windowed. */
export const FRAGMENT_LENGTH = 200;
/** Context kept before the first match in a windowed fragment. */
const CONTEXT_BEFORE = 60;
const ELLIPSIS = '…';

interface Range {
  start: number;
  end: number;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and attribute values. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The highlighted fragments of `content` for `query`: one HTML-escaped fragment (safe to render
 * as HTML) with every match of every query term wrapped in `<mark>…</mark>`. `word` terms
 * (Latin etc.) match case-insensitively at the start of a word; CJK terms match anywhere. The
 * whole content when it is at most {@link FRAGMENT_LENGTH} long, else a window of that length
 * around the first match with `…` where it was cut. Pure; never throws on any input.
 */
export function highlight(content: string, query: string): string[] {
  // NFC so that decomposed Hangul (e.g. typed on macOS) matches the composed query terms.
  const text = content.normalize('NFC');
  const ranges = merge(parseQueryTerms(query).flatMap((term) => matches(text, term)));
  const { start, end } = window(text, ranges[0]);
  let html = start > 0 ? ELLIPSIS : '';
  let at = start;
  for (const range of ranges) {
    const from = Math.max(range.start, start);
    const to = Math.min(range.end, end);
    if (from >= to) continue;
    html += `${escapeHtml(text.slice(at, from))}<mark>${escapeHtml(text.slice(from, to))}</mark>`;
    at = to;
  }
  html += escapeHtml(text.slice(at, end));
  if (end < text.length) html += ELLIPSIS;
  return [html];
}

function matches(text: string, term: Term): Range[] {
  const pattern =
    term.kind === 'word'
      ? new RegExp(`(?<!${WORD_CHAR})${escapeRegExp(term.text)}`, 'giu')
      : new RegExp(escapeRegExp(term.text), 'gu');
  return Array.from(text.matchAll(pattern), (m) => ({
    start: m.index,
    end: m.index + m[0].length,
  }));
}

/** Sorted, with overlapping or touching ranges joined. */
function merge(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Range[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/** The fragment's bounds, never splitting a surrogate pair. */
function window(text: string, first: Range | undefined): Range {
  if (text.length <= FRAGMENT_LENGTH) return { start: 0, end: text.length };
  let start = Math.max(0, (first?.start ?? 0) - CONTEXT_BEFORE);
  let end = Math.min(text.length, start + FRAGMENT_LENGTH);
  start = Math.max(0, end - FRAGMENT_LENGTH);
  if (isLowSurrogate(text, start)) start += 1;
  if (isLowSurrogate(text, end)) end -= 1;
  return { start, end };
}

const isLowSurrogate = (text: string, index: number): boolean => {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff;
};
