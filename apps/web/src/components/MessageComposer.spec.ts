import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { useOutboxStore } from '../stores/outbox.store';
import { useMessagesStore } from '../stores/messages.store';
import { mountWithApp } from '../testing/mount';
import { connectedHarness } from '../testing/setup';
import MessageComposer from './MessageComposer.vue';

async function composer() {
  const h = await connectedHarness('alice', (s) => s.addRoom('r1', ['alice']));
  await useMessagesStore().select('r1');
  const sut = mountWithApp(MessageComposer, { props: { roomId: 'r1' } });
  const textarea = sut.get('textarea');
  return { h, sut, textarea };
}

const sentContents = (h: Awaited<ReturnType<typeof composer>>['h']) =>
  h
    .transport()
    .requestsOf('send_message')
    .map((p) => p.content);

describe('MessageComposer', () => {
  it('sends on Enter and clears the field', async () => {
    const { h, textarea } = await composer();

    await textarea.setValue('hello there');
    await textarea.trigger('keydown', { key: 'Enter' });
    await flushPromises();

    expect(sentContents(h)).toEqual(['hello there']);
    expect((textarea.element as HTMLTextAreaElement).value).toBe('');
  });

  it('does not send on Shift+Enter, nor while an IME is composing', async () => {
    const { h, textarea } = await composer();

    await textarea.setValue('line one');
    await textarea.trigger('keydown', { key: 'Enter', shiftKey: true });
    await textarea.trigger('keydown', { key: 'Enter', isComposing: true });
    await flushPromises();

    expect(sentContents(h)).toEqual([]);
  });

  it('announces typing while text is entered and stops on send', async () => {
    const { h, textarea } = await composer();

    await textarea.setValue('h');
    await textarea.trigger('keydown', { key: 'Enter' });
    await flushPromises();

    expect(h.transport().requestsOf('typing')).toEqual([
      { roomId: 'r1', isTyping: true },
      { roomId: 'r1', isTyping: false },
    ]);
  });

  it('does not send blank text', async () => {
    const { textarea } = await composer();

    await textarea.setValue('   ');
    await textarea.trigger('keydown', { key: 'Enter' });
    await flushPromises();

    expect(useOutboxStore().pendingIn('r1')).toEqual([]);
  });
});
