import { MAX_QUERY_TERMS, type Message } from '@chat/contracts';
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

/** Highlights one message's content for the query it was compiled for. */
export type Highlighter = (content: string) => string[];

/**
 * Compiles `query` once for a page of hits. Only the first {@link MAX_QUERY_TERMS} terms are
 * marked (the contract refuses longer queries). All terms share one regular expression, and a
 * content is scanned only up to its first match and then across the fragment's window, so the
 * work per hit is linear in the content's length whatever the query.
 */
export function highlighter(query: string): Highlighter {
  const terms = parseQueryTerms(query).slice(0, MAX_QUERY_TERMS);
  const pattern = termsPattern(terms);
  return (content) => {
    // NFC so that decomposed Hangul (e.g. typed on macOS) matches the composed query terms.
    const text = content.normalize('NFC');
    if (!pattern) return [fragment(text, window(text, undefined), [])];
    pattern.lastIndex = 0;
    const first = nextMatch(pattern, text);
    const bounds = window(text, first);
    // The window starts at or before the first match, so no earlier match can reach into it.
    const ranges = first ? [first, ...matchesUntil(pattern, text, bounds.end)] : [];
    return [fragment(text, bounds, merge(ranges))];
  };
}

/**
 * The highlighted fragments of `content` for `query`: one HTML-escaped fragment (safe to render
 * as HTML) with every match of every query term wrapped in `<mark>…</mark>`. `word` terms
 * (Latin etc.) match case-insensitively at the start of a word; CJK terms match anywhere. The
 * whole content when it is at most {@link FRAGMENT_LENGTH} long, else a window of that length
 * around the first match with `…` where it was cut. Pure; never throws on any input. For many
 * contents and one query, compile once with {@link highlighter}.
 */
export function highlight(content: string, query: string): string[] {
  return highlighter(query)(content);
}

/**
 * One global pattern matching, at each position, the longest term that starts there
 * (zero-width, in a lookahead, so overlapping matches of different terms are all seen). Longest
 * first, because an alternation takes the first alternative that matches.
 */
function termsPattern(terms: readonly Term[]): RegExp | undefined {
  const alternation = (kind: Term['kind']) =>
    terms
      .filter((t) => t.kind === kind)
      .map((t) => t.text)
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|');
  const words = alternation('word');
  const cjk = alternation('cjk');
  const branches = [
    ...(words ? [`(?<!${WORD_CHAR})(?=(${words}))`] : []),
    ...(cjk ? [`(?=(${cjk}))`] : []),
  ];
  return branches.length > 0 ? new RegExp(branches.join('|'), 'giu') : undefined;
}

/** The next match from `pattern.lastIndex`, moving `lastIndex` one code point past its start. */
function nextMatch(pattern: RegExp, text: string): Range | undefined {
  const found = pattern.exec(text);
  if (!found) return undefined;
  const length = (found[1] ?? found[2] ?? '').length;
  pattern.lastIndex = found.index + (isHighSurrogate(text, found.index) ? 2 : 1);
  return { start: found.index, end: found.index + length };
}

/** Matches from `pattern.lastIndex` that start before `end`, in order. */
function matchesUntil(pattern: RegExp, text: string, end: number): Range[] {
  const ranges: Range[] = [];
  for (let range = nextMatch(pattern, text); range && range.start < end;) {
    ranges.push(range);
    range = nextMatch(pattern, text);
  }
  return ranges;
}

/** The window of `text` as escaped HTML with `ranges` (sorted, disjoint) marked. */
function fragment(text: string, { start, end }: Range, ranges: readonly Range[]): string {
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
  return html;
}

/** Sorted by start already; overlapping or touching ranges joined. */
function merge(ranges: readonly Range[]): Range[] {
  const merged: Range[] = [];
  for (const range of ranges) {
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

const isHighSurrogate = (text: string, index: number): boolean => {
  const code = text.charCodeAt(index);
  return code >= 0xd800 && code <= 0xdbff;
};

/**
 * The highlights of a hit: its content's fragment, followed by each attachment name with a
 * match, so that a message found by a file name shows why it was found.
 */
export function hitHighlights(highlight: Highlighter, message: Message): string[] {
  const names = (message.attachments ?? [])
    .map((attachment) => highlight(attachment.name)[0] ?? '')
    .filter((name) => name.includes('<mark>'));
  const content = highlight(message.content);
  // A message of files alone has no text to show: its file names stand for it.
  return names.length > 0 ? [...content.filter((text) => text !== ''), ...names] : content;
}
