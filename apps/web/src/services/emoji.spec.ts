import { describe, expect, it } from 'vitest';
import { toRgiEmoji } from './emoji';

describe(toRgiEmoji.name, () => {
  it('keeps an RGI emoji as it is, the selector included where RGI has it', () => {
    expect(toRgiEmoji('👍')).toBe('👍');
    expect(toRgiEmoji('❤️')).toBe('❤️');
    expect(toRgiEmoji('👍🏽')).toBe('👍🏽');
    expect(toRgiEmoji('👨‍👩‍👧')).toBe('👨‍👩‍👧');
  });

  it('drops a variation selector RGI spells without, when a picker adds one', () => {
    expect(toRgiEmoji('👍\uFE0F')).toBe('👍');
  });

  it('refuses what is not one emoji', () => {
    expect(toRgiEmoji('a')).toBeUndefined();
    expect(toRgiEmoji('👍👍')).toBeUndefined();
    expect(toRgiEmoji('')).toBeUndefined();
  });
});
