import { describe, expect, it } from 'vitest';
import { mentionsMe } from './mentions';

const message = (over: Partial<Parameters<typeof mentionsMe>[0]> = {}) => ({
  kind: 'user' as const,
  userId: 'bob',
  ...over,
});

describe(mentionsMe.name, () => {
  it('is true when the viewer is among the mentioned ids', () => {
    expect(mentionsMe(message({ mentions: ['carol', 'alice'] }), 'alice')).toBe(true);
  });

  it('is true when the whole room is mentioned', () => {
    expect(mentionsMe(message({ mentionsRoom: true }), 'alice')).toBe(true);
  });

  it('is false when someone else is mentioned, or nobody', () => {
    expect(mentionsMe(message({ mentions: ['carol'] }), 'alice')).toBe(false);
    expect(mentionsMe(message(), 'alice')).toBe(false);
  });

  it('is false for the viewer’s own message, even to the whole room', () => {
    expect(mentionsMe(message({ userId: 'alice', mentionsRoom: true }), 'alice')).toBe(false);
  });

  it('is false for anything but a user message', () => {
    expect(mentionsMe(message({ kind: 'edit', mentions: ['alice'] }), 'alice')).toBe(false);
  });

  it('is false before the viewer is known', () => {
    expect(mentionsMe(message({ mentionsRoom: true }), null)).toBe(false);
  });
});
