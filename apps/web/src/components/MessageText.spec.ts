// @vitest-environment jsdom
// Markdown is sanitised by DOMPurify, which needs a DOM it supports (happy-dom lets markup through).
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import MessageText from './MessageText';

describe('MessageText', () => {
  it('shows markup literally', () => {
    const sut = mount(MessageText, { props: { text: '<img src=x onerror=alert(1)> & <b>hi</b>' } });

    expect(sut.text()).toBe('<img src=x onerror=alert(1)> & <b>hi</b>');
    expect(sut.find('img').exists()).toBe(false);
    expect(sut.find('b').exists()).toBe(false);
  });

  it('links http(s) URLs safely and nothing else', () => {
    const sut = mount(MessageText, {
      props: { text: 'go https://example.com/x or javascript:alert(1)' },
    });

    const links = sut.findAll('a');
    expect(links).toHaveLength(1);
    expect(links[0]?.attributes()).toMatchObject({
      href: 'https://example.com/x',
      target: '_blank',
      rel: 'noopener noreferrer nofollow',
    });
    expect(sut.text()).toBe('go https://example.com/x or javascript:alert(1)');
  });
});
