/**
 * Text → search terms, shared by the search adapters and the highlighter so that what a query
 * matches and what gets marked agree.
 *
 * Text is NFKC-normalised and lower-cased, then split into runs:
 * - `cjk`: Hangul, Han, Hiragana and Katakana, written without spaces between words, so they
 *   are matched as substrings (indexed as every unigram and bigram);
 * - `word`: any other letters, digits and marks (Latin, Cyrillic, …), matched by word prefix.
 * Everything else (spaces, punctuation, symbols, query syntax) separates terms and is dropped.
 */

/** One character of a script matched by substring. U+30FC (ー) is Common but used in Katakana. */
export const CJK_CHAR =
  '[\\p{Script=Hangul}\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\u30FC]';
/** One character of a `word` run: a letter, digit or mark outside the CJK scripts. */
export const WORD_CHAR = `(?:(?!${CJK_CHAR})[\\p{L}\\p{N}\\p{M}])`;

const RUNS = new RegExp(`(${CJK_CHAR}+)|(${WORD_CHAR}+)`, 'gu');

export type TermKind = 'word' | 'cjk';

export interface Term {
  kind: TermKind;
  /** Normalised (NFKC, lower-case) text of the run. */
  text: string;
}

/** Prefix of CJK index tokens, so they never collide with (or prefix-match) a `word` token. */
export const CJK_TOKEN_PREFIX = '_';

export const normalizeForSearch = (text: string): string => text.normalize('NFKC').toLowerCase();

/** Splits text into its `word` and `cjk` runs, in order (repeats kept). */
export function splitTerms(text: string): Term[] {
  const terms: Term[] = [];
  for (const match of normalizeForSearch(text).matchAll(RUNS)) {
    if (match[1] !== undefined) terms.push({ kind: 'cjk', text: match[1] });
    else if (match[2] !== undefined) terms.push({ kind: 'word', text: match[2] });
  }
  return terms;
}

/**
 * The distinct terms of a user's query; every one must match. Query syntax of any engine
 * (quotes, `*`, `-`, `:`, parentheses) is punctuation here and never survives; words such as
 * `OR` or `NEAR` are ordinary terms. An empty list means the query can match nothing.
 */
export function parseQueryTerms(query: string): Term[] {
  const seen = new Set<string>();
  return splitTerms(query).filter((term) => {
    const key = `${term.kind}:${term.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

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

/** The index tokens a CJK query term must match in sequence: its bigrams, or its one unigram. */
export function cjkQueryTokens(term: string): string[] {
  const pairs = bigrams(term);
  const tokens = pairs.length > 0 ? pairs : [term];
  return tokens.map((token) => `${CJK_TOKEN_PREFIX}${token}`);
}
