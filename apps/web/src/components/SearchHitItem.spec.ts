import type { SearchHit } from '@chat/contracts';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { mountWithApp } from '../testing/mount';
import SearchHitItem from './SearchHitItem.vue';

const hit = (content: string, highlights: string[]): SearchHit => ({
  message: {
    id: 'm1',
    roomId: 'r1',
    seq: 7,
    userId: 'bob',
    content,
    createdAt: '2024-05-01T10:00:00Z',
    kind: 'user',
  },
  highlights,
});

describe('SearchHitItem', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('renders server highlights with <mark> as the only element', () => {
    const sut = mountWithApp(SearchHitItem, {
      props: { hit: hit('채팅방에서 만나요', ['<mark>채팅</mark>방에서 만나요']), showRoom: false },
    });

    const fragment = sut.get('.search-hit__fragment');
    expect(fragment.findAll('mark').map((m) => m.text())).toEqual(['채팅']);
    expect(fragment.element.querySelectorAll('*')).toHaveLength(1);
    expect(fragment.text()).toBe('채팅방에서 만나요');
  });

  it('shows markup in content literally, whether or not the server escaped it', () => {
    const payload = '<img src=x onerror=alert(1)>';
    const sut = mountWithApp(SearchHitItem, {
      props: {
        hit: hit(payload, ['&lt;img src=x onerror=<mark>alert</mark>(1)&gt;', payload]),
        showRoom: true,
      },
    });

    const fragments = sut.findAll('.search-hit__fragment');
    expect(fragments.map((f) => f.text())).toEqual([payload, payload]);
    expect(sut.find('img').exists()).toBe(false);
    expect(sut.findAll('[onerror]')).toHaveLength(0);
    expect(fragments[0]?.findAll('mark').map((m) => m.text())).toEqual(['alert']);
  });

  it('falls back to the plain content, as text, without highlights', () => {
    const sut = mountWithApp(SearchHitItem, {
      props: { hit: hit('<b>bold?</b>', []), showRoom: false },
    });

    expect(sut.text()).toContain('<b>bold?</b>');
    expect(sut.find('b').exists()).toBe(false);
  });

  it('opens the hit on click', async () => {
    const sut = mountWithApp(SearchHitItem, { props: { hit: hit('x', ['x']), showRoom: false } });

    await sut.get('[data-test="search-hit"]').trigger('click');

    expect(sut.emitted('open')).toHaveLength(1);
  });

  it('names the files of a hit that has no text, found by a file name', () => {
    const found = hit('', []);
    found.message.attachments = [
      { id: 'a1', name: '회의록.pdf', type: 'application/pdf', size: 9 },
    ];
    const sut = mountWithApp(SearchHitItem, { props: { hit: found, showRoom: false } });

    expect(sut.get('.search-hit__text').text()).toBe('📎 회의록.pdf');
  });
});
