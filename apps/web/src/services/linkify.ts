/** A run of message text: plain, or a link whose `href` is a vetted http(s) URL. */
export type TextSegment =
  { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

/**
 * An http(s) URL, or an address starting `www.` where GitHub-flavoured Markdown links one: at
 * the start, after a space or one of `( * _ ~`, with a letter or digit after the dot.
 */
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+|(?<=^|[\s(*_~])www\.(?=[\p{L}\p{N}])[^\s<>"'`]+/giu;
const WWW = /^www\./i;
// Punctuation that usually ends a sentence rather than a URL.
const TRAILING = /[.,!?;:)\]}'"]+$/;

/** The URL as a safe link target, or undefined when it is not http(s) or does not parse. */
export const safeHref = (candidate: string): string | undefined => {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
};

const splitTrailing = (raw: string): [string, string] => {
  let url = raw;
  let tail = '';
  const match = TRAILING.exec(url);
  if (match) {
    tail = match[0];
    url = url.slice(0, -tail.length);
    // Keep a closing parenthesis that belongs to the URL, e.g. a Wikipedia link.
    if (tail.startsWith(')') && url.includes('(')) {
      url += ')';
      tail = tail.slice(1);
    }
  }
  return [url, tail];
};

/** Splits message text into plain runs and links; the text itself is never parsed as HTML. */
export const linkify = (text: string): TextSegment[] => {
  const out: TextSegment[] = [];
  const pushText = (t: string) => {
    if (!t) return;
    const last = out[out.length - 1];
    if (last?.kind === 'text') last.text += t;
    else out.push({ kind: 'text', text: t });
  };
  let cursor = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const [url, tail] = splitTrailing(match[0]);
    // A www. address is linked as http, as GFM does; the site redirects to https if it can.
    const href = safeHref(WWW.test(url) ? `http://${url}` : url);
    pushText(text.slice(cursor, match.index));
    if (href) out.push({ kind: 'link', text: url, href });
    else pushText(url);
    pushText(tail);
    cursor = match.index + match[0].length;
  }
  pushText(text.slice(cursor));
  return out;
};
