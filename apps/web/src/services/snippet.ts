/** How many characters of a message a reply preview shows. */
const SNIPPET_CHARS = 80;

// Markdown that a one-line preview leaves out: emphasis and code marks, quote and list markers.
const MARKS = /(\*\*|__|~~|`+|(?<=^|\s)[*_](?=\S)|(?<=\S)[*_](?=\s|$))/g;
const LINE_MARKERS = /^\s*(?:>+|[-*+]|\d+\.)\s+/gm;
const LINK = /\[([^\]]*)\]\([^)]*\)/g;

/** A message's text on one line, without markdown marks, cut short: for reply previews. */
export const snippetOf = (content: string): string => {
  const plain = content.replace(LINK, '$1').replace(LINE_MARKERS, '').replace(MARKS, '');
  const line = plain.replace(/\s+/g, ' ').trim();
  return line.length > SNIPPET_CHARS ? `${line.slice(0, SNIPPET_CHARS)}…` : line;
};
