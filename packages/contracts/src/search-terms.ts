/**
 * Text → search terms. The contract counts a query's terms with it (see `MAX_QUERY_TERMS`),
 * and the search adapters and the highlighter match with it, so what is allowed, what a query
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
 * `OR` or `NEAR` are ordinary terms. A CJK run is one term however long ("채팅방에서" is one,
 * as is an unspaced Japanese sentence). An empty list means the query can match nothing.
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
