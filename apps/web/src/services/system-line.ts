import type { Message } from '@chat/contracts';

/** The UI strings a system line is worded with (`system.*` in `i18n/en.ts` and `ko.ts`). */
export type SystemLineKey =
  | 'system.fallback'
  | 'system.person'
  | 'system.invited'
  | 'system.left'
  | 'system.removed'
  | 'system.renamed'
  | 'system.unnamed'
  | 'system.topic'
  | 'system.topicCleared';

/** What a system line is worded with: the UI language's strings and how people are shown. */
export interface SystemLineWords {
  t: (key: SystemLineKey, values?: Record<string, string>) => string;
  /** How a person is shown (display name, else name, else the id). */
  nameOf: (id: string) => string;
  /** The UI language, for joining several names ("a, b, and c" / "a, b 및 c"). */
  locale: string;
}

/**
 * A system message (or a room list's preview of one) in the UI language: worded from its
 * `event` with people's display names, so it follows a name change; from its English `content`
 * when it has no event (stored before events existed) or one of a type this app does not know.
 */
export function systemLine(
  message: Pick<Message, 'content' | 'event'>,
  words: SystemLineWords,
): string {
  const { event } = message;
  const fallback = (): string => message.content || words.t('system.fallback');
  if (!event) return fallback();
  const { t } = words;
  const person = (id: string): string => t('system.person', { name: words.nameOf(id) });
  const people = (ids: readonly string[]): string =>
    new Intl.ListFormat(words.locale, { type: 'conjunction' }).format(ids.map(person));
  const actor = person(event.actorId);
  switch (event.type) {
    case 'invited':
      return t('system.invited', { actor, targets: people(event.targetIds) });
    case 'left':
      return t('system.left', { actor });
    case 'removed':
      return t('system.removed', { actor, targets: people(event.targetIds) });
    case 'renamed':
      return event.name
        ? t('system.renamed', { actor, name: event.name })
        : t('system.unnamed', { actor });
    case 'topic':
      return event.topic
        ? t('system.topic', { actor, topic: event.topic })
        : t('system.topicCleared', { actor });
    default:
      // A newer server's event: its English line is all this app can show.
      return fallback();
  }
}
