import type { Message, SystemMessageEvent } from '@chat/contracts';
import { describe, expect, it } from 'vitest';
import { createAppI18n } from '../i18n';
import type { AppLocale } from '../stores/settings.store';
import { systemLine, type SystemLineWords } from './system-line';

const shown: Record<string, string> = { alice: 'Alice Kim', bob: '밥', carol: 'Carol' };

const wordsIn = (locale: AppLocale, names: Record<string, string> = shown): SystemLineWords => {
  const { t } = createAppI18n(locale).global;
  return {
    t: (key, values) => t(key, values ?? {}),
    nameOf: (id) => names[id] ?? id,
    locale,
  };
};

const line = (event: SystemMessageEvent | undefined, content = 'alice did something') =>
  ({ content, ...(event && { event }) }) satisfies Pick<Message, 'content' | 'event'>;

describe(systemLine.name, () => {
  it.each<[SystemMessageEvent, string, string]>([
    [
      { type: 'invited', actorId: 'alice', targetIds: ['bob', 'carol'] },
      'Alice Kim invited 밥 and Carol',
      'Alice Kim 님이 밥 님 및 Carol 님을 초대했어요',
    ],
    [{ type: 'left', actorId: 'bob' }, '밥 left', '밥 님이 나갔어요'],
    [
      { type: 'removed', actorId: 'alice', targetIds: ['carol'] },
      'Alice Kim removed Carol',
      'Alice Kim 님이 Carol 님을 내보냈어요',
    ],
    [
      { type: 'renamed', actorId: 'alice', name: '출시' },
      'Alice Kim renamed the room to “출시”',
      'Alice Kim 님이 대화방 이름을 “출시”(으)로 바꿨어요',
    ],
    [
      { type: 'renamed', actorId: 'alice', name: '' },
      'Alice Kim removed the room name',
      'Alice Kim 님이 대화방 이름을 지웠어요',
    ],
    [
      { type: 'topic', actorId: 'alice', topic: 'Friday' },
      'Alice Kim set the topic to “Friday”',
      'Alice Kim 님이 주제를 “Friday”(으)로 정했어요',
    ],
    [
      { type: 'topic', actorId: 'alice', topic: '' },
      'Alice Kim cleared the topic',
      'Alice Kim 님이 주제를 지웠어요',
    ],
  ])('words %j in English and Korean with display names', (event, english, korean) => {
    expect(systemLine(line(event), wordsIn('en'))).toBe(english);
    expect(systemLine(line(event), wordsIn('ko'))).toBe(korean);
  });

  it('shows the id of someone whose name it does not know', () => {
    const event: SystemMessageEvent = { type: 'invited', actorId: 'alice', targetIds: ['zed'] };
    expect(systemLine(line(event), wordsIn('ko'))).toBe('Alice Kim 님이 zed 님을 초대했어요');
  });

  it('follows a display name that changed', () => {
    const names = { ...shown };
    const words = wordsIn('en', names);
    const event: SystemMessageEvent = { type: 'left', actorId: 'bob' };
    expect(systemLine(line(event), words)).toBe('밥 left');
    names.bob = 'Robert';
    expect(systemLine(line(event), words)).toBe('Robert left');
  });

  it('shows the content of a message stored before events, or of an event it does not know', () => {
    expect(systemLine(line(undefined, 'bob invited carol'), wordsIn('ko'))).toBe(
      'bob invited carol',
    );
    const unknown = { type: 'archived', actorId: 'alice' } as unknown as SystemMessageEvent;
    expect(systemLine(line(unknown, 'alice archived the room'), wordsIn('ko'))).toBe(
      'alice archived the room',
    );
    expect(systemLine(line(undefined, ''), wordsIn('ko'))).toBe('대화방 알림');
  });

  it('shows names as text, never as markup the line is made of', () => {
    const words = wordsIn('en', { alice: '<b>{actor}</b> @x | y' });
    expect(systemLine(line({ type: 'left', actorId: 'alice' }), words)).toBe(
      '<b>{actor}</b> @x | y left',
    );
  });
});
