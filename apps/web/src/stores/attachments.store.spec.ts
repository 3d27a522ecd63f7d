import type { Attachment } from '@chat/contracts';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useAttachmentsStore } from './attachments.store';

const NOW = Date.parse('2026-01-01T12:00:00Z');

const attachment = (expiresInMs: number): Attachment => ({
  id: 'a1',
  roomId: 'r1',
  uploaderId: 'alice',
  name: 'cat.png',
  type: 'image/png',
  size: 10,
  createdAt: new Date(NOW).toISOString(),
  inline: true,
  url: '/chat/attachments/a1/content?exp=1&sig=x',
  urlExpiresAt: new Date(NOW + expiresInMs).toISOString(),
});

describe('useAttachmentsStore', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('holds no fresh links for an attachment it has not seen', () => {
    expect(useAttachmentsStore().isFresh('a1', NOW)).toBe(false);
  });

  it('counts links as fresh until 30 s before they expire', () => {
    const sut = useAttachmentsStore();
    sut.remember(attachment(15 * 60_000), NOW);
    expect(sut.isFresh('a1', NOW + 14 * 60_000)).toBe(true);
    expect(sut.isFresh('a1', NOW + 15 * 60_000 - 29_000)).toBe(false);
  });

  it('keeps short-lived links for three quarters of their life', () => {
    const sut = useAttachmentsStore();
    sut.remember(attachment(10_000), NOW);
    expect(sut.isFresh('a1', NOW + 7_000)).toBe(true);
    expect(sut.isFresh('a1', NOW + 8_000)).toBe(false);
  });
});
