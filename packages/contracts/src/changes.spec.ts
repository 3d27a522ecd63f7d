import { describe, expect, it } from 'vitest';
import { applyChange, applyChanges, emptiedEdit, isEmoji, parseMentions } from './changes.js';
import { MAX_REACTIONS_PER_MESSAGE } from './limits.js';
import type { Message } from './models.js';

const original: Message = {
  id: 'm1',
  roomId: 'r',
  seq: 1,
  userId: 'ann',
  content: 'hello @bob',
  createdAt: '2026-01-01T00:00:00.000Z',
  kind: 'user',
  mentions: ['bob'],
};
let nextSeq = 2;
const change = (kind: Message['kind'], extra: Partial<Message> = {}): Message => ({
  id: `c${nextSeq}`,
  roomId: 'r',
  seq: nextSeq++,
  userId: 'ann',
  content: '',
  createdAt: `2026-01-01T00:00:0${nextSeq % 10}.000Z`,
  kind,
  target: 1,
  ...extra,
});

describe('applyChange', () => {
  it('sets the content, mentions and edit mark of an edit', () => {
    const edit = change('edit', { content: 'bye', mentions: [] });
    expect(applyChange(original, edit)).toMatchObject({
      content: 'bye',
      mentions: [],
      editedAt: edit.createdAt,
    });
  });

  it('leaves a tombstone on delete, and nothing brings it back', () => {
    const liked = applyChange(original, change('reaction', { emoji: '👍', on: true }));
    const gone = applyChange(liked, change('delete'));
    expect(gone).toEqual({
      id: 'm1',
      roomId: 'r',
      seq: 1,
      userId: 'ann',
      content: '',
      createdAt: original.createdAt,
      kind: 'user',
      deleted: true,
    });
    const afterwards = applyChanges(
      [gone],
      [change('edit', { content: 'back?' }), change('reaction', { emoji: '🎉', on: true })],
    );
    expect(afterwards).toEqual([gone]);
  });

  it('sets a reaction rather than toggling it, so a replay changes nothing', () => {
    const on = change('reaction', { emoji: '👍', on: true, userId: 'bob' });
    const once = applyChange(original, on);
    expect(applyChange(once, on)).toEqual(once);
    expect(once.reactions).toEqual([{ emoji: '👍', userIds: ['bob'] }]);
    const off = applyChange(once, change('reaction', { emoji: '👍', on: false, userId: 'bob' }));
    expect(off.reactions).toBeUndefined();
  });

  it(`adds no emoji beyond ${MAX_REACTIONS_PER_MESSAGE} distinct ones`, () => {
    const emoji = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂🤗'];
    const changes = emoji.map((e) => change('reaction', { emoji: e, on: true }));
    const [result] = applyChanges([original], changes);
    expect(result?.reactions).toHaveLength(MAX_REACTIONS_PER_MESSAGE);
    expect(result?.reactions?.map((r) => r.emoji)).not.toContain('🤗');
  });

  it('applies changes in seq order whatever order they arrive in', () => {
    const first = change('edit', { content: 'one' });
    const second = change('edit', { content: 'two' });
    expect(applyChanges([original], [second, first])[0]?.content).toBe('two');
  });

  it('ignores a change for another message', () => {
    expect(applyChange(original, change('delete', { target: 7 }))).toBe(original);
  });
});

describe('emptiedEdit', () => {
  it('keeps what names the edit and drops its text and mentions', () => {
    const edit = change('edit', { content: 'secret @bob', mentions: ['bob'], mentionsRoom: true });
    const { content: _c, mentions: _m, mentionsRoom: _r, ...kept } = edit;
    expect(emptiedEdit(edit)).toEqual({ ...kept, content: '' });
  });
});

describe('isEmoji', () => {
  it.each(['👍', '👍🏽', '👨‍👩‍👧', '🇰🇷', '❤️'])('accepts %s', (e) => expect(isEmoji(e)).toBe(true));
  it.each(['a', '👍👍', '', ':+1:', '<b>', '👍 '])('refuses %j', (e) =>
    expect(isEmoji(e)).toBe(false),
  );
});

describe('parseMentions', () => {
  it('finds ids after @, lower-cased, once each, and @room', () => {
    expect(parseMentions('hi @Bob and @bob, @민수. cc @room')).toEqual({
      ids: ['bob', '민수'],
      room: true,
    });
  });

  it('does not take an e-mail address for a mention', () => {
    expect(parseMentions('mail ann@example.org')).toEqual({ ids: [], room: false });
  });

  it('keeps ids of later holders of a name', () => {
    expect(parseMentions('@ann~1a2b3c4d: look').ids).toEqual(['ann~1a2b3c4d']);
  });
});
