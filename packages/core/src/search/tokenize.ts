/**
 * Index and query tokens for the search adapters. The terms themselves (`splitTerms`,
 * `parseQueryTerms`: `word` runs matched by word prefix, CJK runs by substring) come from the
 * contract, which also counts a query's terms with them.
 */
import { splitTerms, type Message } from '@chat/contracts';

export {
  CJK_CHAR,
  WORD_CHAR,
  normalizeForSearch,
  parseQueryTerms,
  splitTerms,
  type Term,
  type TermKind,
} from '@chat/contracts';

/** Prefix of CJK index tokens, so they never collide with (or prefix-match) a `word` token. */
export const CJK_TOKEN_PREFIX = '_';

/** Consecutive character pairs of a CJK run, by code point ("채팅방" → 채팅, 팅방). */
export function bigrams(run: string): string[] {
  const chars = Array.from(run);
  return chars.slice(1).map((char, i) => `${chars[i] ?? ''}${char}`);
}

/**
 * Index tokens for a text, space-separated tokens for a plain full-text column: each `word`
 * run as itself; each CJK run as its prefixed bigrams (consecutive, so a longer query term
 * becomes a phrase of bigrams) followed by its prefixed unigrams (for one-character terms).
 * The unigrams also keep the bigrams of neighbouring runs apart, so no phrase spans two runs.
 */
export function indexTokens(text: string): string[] {
  return splitTerms(text).flatMap((term) => {
    if (term.kind === 'word') return [term.text];
    const prefix = (token: string): string => `${CJK_TOKEN_PREFIX}${token}`;
    return [...bigrams(term.text).map(prefix), ...Array.from(term.text).map(prefix)];
  });
}

/** What search finds a message by: its content and the names of its attachments. */
export function searchableText(message: Pick<Message, 'content' | 'attachments'>): string {
  const names = (message.attachments ?? []).map((attachment) => attachment.name);
  return [message.content, ...names].join('\n');
}

/** The index tokens a CJK query term must match in sequence: its bigrams, or its one unigram. */
export function cjkQueryTokens(term: string): string[] {
  const pairs = bigrams(term);
  const tokens = pairs.length > 0 ? pairs : [term];
  return tokens.map((token) => `${CJK_TOKEN_PREFIX}${token}`);
}
