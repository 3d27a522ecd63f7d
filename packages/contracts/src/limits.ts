/** Socket.IO path and namespace of the chat endpoint, as in the reference design. */
export const SOCKET_PATH = '/chat/ws';
export const CHAT_NAMESPACE = '/chat';

/** Longest message content, in code points, after trimming. */
export const MAX_CONTENT_CODE_POINTS = 4000;
/** Longest room name, in code points, after trimming. */
export const MAX_ROOM_NAME_CODE_POINTS = 100;
/** Longest room topic, in code points, after trimming. */
export const MAX_ROOM_TOPIC_CODE_POINTS = 250;
/** Longest user name, in code points, after NFC normalisation and trimming. */
export const MAX_NAME_CODE_POINTS = 32;
/** Page size bounds for `get_messages` and the REST history endpoint. */
export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 100;
/** Default and largest page of search hits. */
export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 100;
/** Longest search query, in code points. */
export const MAX_QUERY_CODE_POINTS = 200;
/**
 * Most distinct terms in a search query, as `parseQueryTerms` counts them: each run of
 * letters/digits outside CJK is one term, each run of Hangul/Han/Kana one term however long.
 * Every term costs a match against every hit, so the count is what bounds a search's work.
 */
export const MAX_QUERY_TERMS = 10;
/** Most distinct emoji on one message; a reaction with another one is refused. */
export const MAX_REACTIONS_PER_MESSAGE = 20;
/** Most people one message mentions by id (`@room` aside); further ones are not mentions. */
export const MAX_MENTIONS = 20;
/** Most participants or invitees in one request. */
export const MAX_PARTICIPANTS = 100;
/** Longest `clientMsgId`. */
export const MAX_CLIENT_MSG_ID_LENGTH = 64;
/** The server relays `typing` at most this often per user and room. */
export const TYPING_THROTTLE_MS = 2000;
/** Clients drop a typing indicator this long after its last `typing` event. */
export const TYPING_EXPIRY_MS = 5000;
/** How long a `clientMsgId` retry is guaranteed to return the first ack. */
export const CLIENT_MSG_ID_TTL_MS = 24 * 60 * 60 * 1000;

export const codePointLength = (value: string): number => {
  let n = 0;
  // Iterating a string yields code points, not UTF-16 units.
  for (const _ of value) n++;
  return n;
};

/**
 * Code points that render as nothing (variation selectors, joiners, Hangul fillers…): a name
 * holding one can pass for another, or for a blank.
 */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;
/** A name needs something visible: letters or digits, not only marks or punctuation. */
const VISIBLE = /[\p{L}\p{N}]/u;

/**
 * What is wrong with a name, precisely enough to say so: empty, too long (`length` code points
 * against `max`), a refused `char` (the first one; a space included), an invisible code point
 * (`codePoint` as `U+XXXX`, since showing it shows nothing), or no letter or digit at all.
 */
export type NameProblem =
  | { kind: 'empty' }
  | { kind: 'tooLong'; length: number; max: number }
  | { kind: 'character'; char: string }
  | { kind: 'invisible'; codePoint: string }
  | { kind: 'noLetter' };

const NAME_CHAR = /^[\p{L}\p{M}\p{N}_.-]$/u;

/** The problem of a name as typed (after NFC and trimming), or `undefined` for a valid one. */
export const nameProblem = (raw: string): NameProblem | undefined => {
  const name = raw.normalize('NFC').trim();
  const length = codePointLength(name);
  if (length < 1) return { kind: 'empty' };
  if (length > MAX_NAME_CODE_POINTS) return { kind: 'tooLong', length, max: MAX_NAME_CODE_POINTS };
  for (const char of name) {
    if (INVISIBLE.test(char)) {
      const hex = (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      return { kind: 'invisible', codePoint: `U+${hex}` };
    }
    if (!NAME_CHAR.test(char)) return { kind: 'character', char };
  }
  return VISIBLE.test(name) ? undefined : { kind: 'noLetter' };
};

/** The problem in English, as the server's `BAD_REQUEST` message says it. */
export const describeNameProblem = (problem: NameProblem): string => {
  switch (problem.kind) {
    case 'empty':
      return 'a name is required';
    case 'tooLong':
      return `a name is at most ${problem.max} characters; this one has ${problem.length}`;
    case 'character':
      return /\s/u.test(problem.char)
        ? 'a name cannot contain a space; letters, digits, "_", "-" and "." can be used'
        : `a name cannot contain "${problem.char}"; letters, digits, "_", "-" and "." can be used`;
    case 'invisible':
      return `a name cannot contain an invisible character (${problem.codePoint})`;
    case 'noLetter':
      return 'a name needs at least one letter or digit';
  }
};

/**
 * Normalises a display name the way the server does: NFC, trimmed. Returns `undefined` when
 * the result is not a valid name (letters of any script, digits, `_ - .`; 1–32 code points;
 * nothing invisible, and at least one letter or digit); `nameProblem` says why.
 */
export const normaliseName = (raw: string): string | undefined =>
  nameProblem(raw) === undefined ? raw.normalize('NFC').trim() : undefined;

/**
 * The key a guest name is held under: the normalised name, lower-cased. It is also the id of
 * the first user who holds the name; a later holder gets an id of their own.
 */
export const nameKey = (name: string): string => name.toLowerCase();
