import { computed, nextTick, ref, watch, type Ref } from 'vue';

/** One choice of the menu: a member (their id is inserted) or the whole room (`@room`). */
export interface MentionOption {
  id: string;
  name: string;
  kind: 'person' | 'room';
}

export interface MentionQuery {
  /** Index of the `@` in the text. */
  start: number;
  /** What follows the `@` up to the caret. */
  query: string;
}

/** The word `@room` mentions everyone (`mentionsRoom` on the wire). */
export const ROOM_MENTION = 'room';
const MAX_OPTIONS = 8;
// `@` starts a mention at the start or after white space only (not inside an e-mail address),
// followed by the characters a user id may have.
const QUERY_BEFORE_CARET = /(?:^|\s)@([\p{L}\p{N}_.-]*)$/u;

/** The mention being typed at `caret`, if any. */
export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
  const match = QUERY_BEFORE_CARET.exec(text.slice(0, caret));
  if (!match) return null;
  const query = match[1] ?? '';
  return { start: caret - query.length - 1, query };
}

/**
 * The people (and `@room`) a query matches, best first: an id starting with it, then a display
 * name starting with it, then a later word of the name; case does not matter.
 */
export function matchMentions(
  query: string,
  people: readonly { id: string; name: string }[],
  includeRoom: boolean,
  limit = MAX_OPTIONS,
): MentionOption[] {
  const q = query.toLocaleLowerCase();
  const rank = (p: { id: string; name: string }): number => {
    const name = p.name.toLocaleLowerCase();
    if (p.id.toLocaleLowerCase().startsWith(q)) return 0;
    if (name.startsWith(q)) return 1;
    if (name.split(/\s+/u).some((word) => word.startsWith(q))) return 2;
    return -1;
  };
  const people_ = people
    .map((p) => ({ p, r: rank(p) }))
    .filter(({ r }) => r >= 0)
    .sort((a, b) => a.r - b.r || a.p.name.localeCompare(b.p.name))
    .map(({ p }): MentionOption => ({ id: p.id, name: p.name, kind: 'person' }));
  const room: MentionOption[] =
    includeRoom && ROOM_MENTION.startsWith(q)
      ? [{ id: ROOM_MENTION, name: ROOM_MENTION, kind: 'room' }]
      : [];
  return [...people_, ...room].slice(0, limit);
}

interface Options {
  text: Ref<string>;
  /** The members one may mention (not oneself) and whether `@room` is offered. */
  people: () => readonly { id: string; name: string }[];
  includeRoom: () => boolean;
  element: () => HTMLInputElement | HTMLTextAreaElement | null | undefined;
  /** Prefix of the menu's element ids, unique on the page. */
  idPrefix: string;
}

/**
 * Type-ahead for `@` mentions in a text field: follows the caret, offers matching members,
 * moves through them with the arrow keys, inserts `@id ` on Enter or Tab, closes on Escape.
 * `inputAttrs` goes on the field (its ARIA state and focus listeners), the menu renders `options`.
 */
export function useMentionAutocomplete(o: Options) {
  const caret = ref(0);
  const active = ref(0);
  // The `@` whose menu was closed with Escape: it stays closed until another mention starts.
  const dismissedAt = ref<number | null>(null);
  // The menu belongs to the field: it hides while focus is elsewhere.
  const focused = ref(true);

  const current = computed(() => mentionQueryAt(o.text.value, caret.value));
  const options = computed(() =>
    current.value ? matchMentions(current.value.query, o.people(), o.includeRoom()) : [],
  );
  const open = computed(
    () =>
      focused.value &&
      current.value !== null &&
      current.value.start !== dismissedAt.value &&
      options.value.length > 0,
  );
  const listId = `${o.idPrefix}-list`;
  const optionId = (index: number) => `${o.idPrefix}-option-${index}`;
  const inputAttrs = computed(() => ({
    'aria-autocomplete': 'list' as const,
    // Only while the list exists: a textbox has no aria-expanded to say it is closed.
    'aria-controls': open.value ? listId : undefined,
    'aria-activedescendant': open.value ? optionId(active.value) : undefined,
    onFocus: () => (focused.value = true),
    onBlur: () => (focused.value = false),
  }));

  /** Reads the caret from the field: call after input, clicks and caret keys. */
  function sync(): void {
    const el = o.element();
    const before = current.value;
    caret.value = el?.selectionStart ?? o.text.value.length;
    const now = current.value;
    // Another query has other options: start again from the best one.
    if (now?.start !== before?.start || now?.query !== before?.query) active.value = 0;
    if (now === null) dismissedAt.value = null;
  }

  // After the field shows the new text, so its caret is current.
  watch(o.text, sync, { flush: 'post' });

  function choose(index: number): void {
    const q = current.value;
    const option = options.value[index];
    if (!q || !option) return;
    const text = o.text.value;
    const insert = `@${option.id} `;
    // A space already after the caret is reused, not doubled.
    const rest = text.slice(caret.value).replace(/^ /u, '');
    o.text.value = text.slice(0, q.start) + insert + rest;
    const at = q.start + insert.length;
    caret.value = at;
    active.value = 0;
    void nextTick(() => {
      const el = o.element();
      el?.focus();
      el?.setSelectionRange(at, at);
      caret.value = at;
    });
  }

  /** Handles the menu's keys; true when the key was the menu's (the field must ignore it). */
  function onKeydown(event: KeyboardEvent): boolean {
    if (!open.value || event.isComposing) return false;
    const n = options.value.length;
    switch (event.key) {
      case 'ArrowDown':
        active.value = (active.value + 1) % n;
        break;
      case 'ArrowUp':
        active.value = (active.value - 1 + n) % n;
        break;
      case 'Enter':
      case 'Tab':
        if (event.shiftKey) return false;
        choose(Math.min(active.value, n - 1));
        break;
      case 'Escape':
        dismissedAt.value = current.value?.start ?? null;
        break;
      default:
        return false;
    }
    event.preventDefault();
    event.stopPropagation();
    return true;
  }

  return { open, options, active, listId, optionId, inputAttrs, sync, choose, onKeydown };
}

export type MentionAutocomplete = ReturnType<typeof useMentionAutocomplete>;
