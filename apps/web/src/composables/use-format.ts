import { ChatError, isErrorCode, type Message } from '@chat/contracts';
import { useI18n } from 'vue-i18n';
import type { MessageSchema } from '../i18n/en';
import { localDay } from '../services/message-rows';
import { roomTitle as titleOf } from '../services/room-title';
import { systemLine } from '../services/system-line';
import type { RoomEntry } from '../stores/rooms.store';
import { useAuthStore } from '../stores/auth.store';
import { useUsersStore } from '../stores/users.store';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Locale-aware formatting of times, days, room titles, typists and errors. */
export function useFormat() {
  const { t, locale } = useI18n<{ message: MessageSchema }>();
  const users = useUsersStore();
  const auth = useAuthStore();

  const time = (iso: string): string =>
    new Intl.DateTimeFormat(locale.value, { hour: 'numeric', minute: '2-digit' }).format(
      new Date(iso),
    );

  /** "Today", "Yesterday" or a date, for a `YYYY-MM-DD` day. */
  const dayLabel = (day: string): string => {
    const now = Date.now();
    if (day === localDay(new Date(now).toISOString())) return t('chat.today');
    if (day === localDay(new Date(now - DAY_MS).toISOString())) return t('chat.yesterday');
    const [y, m, d] = day.split('-').map(Number);
    return new Intl.DateTimeFormat(locale.value, { dateStyle: 'full' }).format(
      new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1),
    );
  };

  /** A compact time for lists: the time today, else the date. */
  const when = (iso: string): string => {
    const sameDay = localDay(iso) === localDay(new Date().toISOString());
    return sameDay
      ? time(iso)
      : new Intl.DateTimeFormat(locale.value, { month: 'short', day: 'numeric' }).format(
          new Date(iso),
        );
  };

  const roomTitle = (room: RoomEntry | undefined): string =>
    room ? titleOf(room, auth.userId, users.nameOf, t('rooms.onlyYou')) : '';

  const typingText = (ids: readonly string[]): string => {
    const names = ids.map(users.nameOf);
    if (names.length === 0) return '';
    if (names.length === 1) return t('chat.typingOne', { a: names[0] });
    if (names.length === 2) return t('chat.typingTwo', { a: names[0], b: names[1] });
    return t('chat.typingMany', { a: names[0], n: names.length - 1 });
  };

  /** A system message or preview in the UI language, with the names people are shown by. */
  const systemText = (message: Pick<Message, 'content' | 'event'>): string =>
    systemLine(message, {
      t: (key, values) => t(key, values ?? {}),
      nameOf: users.nameOf,
      locale: locale.value,
    });

  const errorText = (err: unknown): string => {
    const code = err instanceof ChatError ? err.code : err;
    return isErrorCode(code) ? t(`errors.${code}`) : t('errors.INTERNAL');
  };

  return { t, locale, time, dayLabel, when, roomTitle, typingText, systemText, errorText };
}
