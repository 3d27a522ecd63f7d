import { ROOM_MENTION } from '@chat/contracts';
import DOMPurify from 'dompurify';
import MarkdownIt, { type StateInline } from 'markdown-it';
import { escapeHtml } from './highlight';
import { safeHref } from './linkify';

/** Who may be mentioned in a message, and how to show them. */
export interface MentionContext {
  /** Ids that make a mention chip (the room's members, the message's mentions). */
  mentionable: ReadonlySet<string>;
  /** The viewer: a mention of them (or of `@room`) stands out more. */
  me: string | null;
  nameOf: (id: string) => string;
}

const NO_MENTIONS: MentionContext = { mentionable: new Set(), me: null, nameOf: (id) => id };

// The characters a user id can hold, as `parseMentions` in the contracts reads them.
const MENTION = /^@([\p{L}\p{M}\p{N}_.~-]+)/u;
const ID_CHAR = /[\p{L}\p{N}_.~-]/u;

/** `@id` of someone mentionable, or `@room`, as a `mention` token; anything else stays text. */
function mentionRule(state: StateInline, silent: boolean): boolean {
  if (state.src[state.pos] !== '@') return false;
  const before = state.pos > 0 ? state.src[state.pos - 1] : '';
  if (before && ID_CHAR.test(before)) return false;
  const match = MENTION.exec(state.src.slice(state.pos));
  const raw = match?.[1]?.replace(/[.-]+$/u, '') ?? '';
  const id = raw.toLowerCase();
  const ctx = (state.env as { mentions?: MentionContext }).mentions ?? NO_MENTIONS;
  if (!raw || (id !== ROOM_MENTION && !ctx.mentionable.has(id))) return false;
  if (!silent) {
    const token = state.push('mention', 'span', 0);
    token.meta = { id };
  }
  state.pos += raw.length + 1;
  return true;
}

const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true });
md.enable(['blockquote', 'code', 'fence', 'list']);
md.enable(['emphasis', 'strikethrough', 'backticks', 'link', 'linkify', 'newline', 'escape']);
md.enable(['autolink', 'entity']);
// Links go to the web or to mail only: no javascript:, data:, vbscript:, file: or relative URLs.
md.validateLink = (url) => url.toLowerCase().startsWith('mailto:') || safeHref(url) !== undefined;
// Links as the plain-text linkifier spells them (`services/linkify.ts`): a normalised http(s)
// URL, and `www.` addresses but no bare domain names, as GitHub-flavoured Markdown links them.
const normalizeLink = md.normalizeLink.bind(md);
md.normalizeLink = (url) => safeHref(url) ?? normalizeLink(url);
md.linkify.set({ fuzzyEmail: false, fuzzyLink: false });
md.linkify.add('www.', {
  validate: (text, pos) => {
    const raw = /^[\p{L}\p{N}][^\s<>"'`]*/u.exec(text.slice(pos))?.[0] ?? '';
    const url = raw.replace(/[.,!?;:)\]}'"]+$/, '');
    // A closing parenthesis that belongs to the address (e.g. a Wikipedia page) stays.
    return raw[url.length] === ')' && url.includes('(') ? url.length + 1 : url.length;
  },
  normalize: (match) => {
    match.url = `http://${match.url}`;
  },
});
md.inline.ruler.before('emphasis', 'mention', mentionRule);
md.renderer.rules.mention = (tokens, idx, _options, env) => {
  const id = String((tokens[idx]?.meta as { id?: string } | undefined)?.id ?? '');
  const ctx = (env as { mentions?: MentionContext }).mentions ?? NO_MENTIONS;
  const isRoom = id === ROOM_MENTION;
  const forMe = isRoom || id === ctx.me;
  const label = isRoom ? ROOM_MENTION : ctx.nameOf(id);
  const cls = `mention${isRoom ? ' mention--room' : ''}${forMe ? ' mention--me' : ''}`;
  return `<span class="${cls}" data-mention="${escapeHtml(id)}">@${escapeHtml(label)}</span>`;
};

const ALLOWED_TAGS = [
  ...['p', 'br', 'strong', 'em', 's', 'code', 'pre', 'blockquote'],
  ...['ul', 'ol', 'li', 'a', 'span'],
];
const ALLOWED_ATTR = ['href', 'class', 'data-mention', 'start', 'target', 'rel'];

// An instance of its own, so its hook applies to message text only.
const purify = DOMPurify(window);
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName !== 'A') return;
  node.setAttribute('target', '_blank');
  node.setAttribute('rel', 'noopener noreferrer nofollow');
});

/**
 * HTML reduced to the elements message text may hold (see `ALLOWED_TAGS`), links http(s) or
 * mailto only, opening in a new tab without access to this one. Safe for `innerHTML`.
 */
export const sanitizeMessageHtml = (html: string): string =>
  purify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOWED_URI_REGEXP: /^(?:https?|mailto):/i });

/**
 * Message text as HTML: markdown's safe subset (bold, italic, strike, inline code, code blocks,
 * quotes, lists, links; raw HTML shows as text), mentions as chips, then sanitised. Safe for
 * `innerHTML`.
 */
export const renderMarkdown = (text: string, mentions: MentionContext = NO_MENTIONS): string =>
  sanitizeMessageHtml(md.render(text, { mentions }));
