/** How many characters of a message a reply preview shows. */
const SNIPPET_CHARS = 80;

/** A message's text on one line, cut short with an ellipsis: for reply previews. */
export const snippetOf = (content: string): string => {
  const line = content.replace(/\s+/g, ' ').trim();
  return line.length > SNIPPET_CHARS ? `${line.slice(0, SNIPPET_CHARS)}…` : line;
};
