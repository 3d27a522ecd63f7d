import { describe, expect, it } from 'vitest';
import { DisplayNameSchema } from './profile.js';
import { AccountRequestSchema } from './session.js';

describe('DisplayNameSchema', () => {
  it('normalises to NFC, trims and makes inner runs of spaces one', () => {
    expect(DisplayNameSchema.parse('  Jo   Kim ')).toBe('Jo Kim');
    expect(DisplayNameSchema.parse('Cafe\u0301')).toBe('Café');
    expect(DisplayNameSchema.parse('조 김 🌿')).toBe('조 김 🌿');
  });

  it('refuses blanks, invisible and control characters, lone surrogates and over 64 code points', () => {
    for (const bad of ['', '   ', '...', 'a\u200bb', 'a\u0000b', 'x\uD800', 'x'.repeat(65)]) {
      expect(DisplayNameSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(DisplayNameSchema.safeParse('😀'.repeat(64)).success).toBe(true);
  });
});

describe('AccountRequestSchema', () => {
  it('takes passwords of 8 to 128 code points', () => {
    const ok = (password: string) =>
      AccountRequestSchema.safeParse({ name: 'n', password }).success;
    expect(ok('1234567')).toBe(false);
    expect(ok('12345678')).toBe(true);
    expect(ok('가'.repeat(128))).toBe(true);
    expect(ok('가'.repeat(129))).toBe(false);
  });
});
