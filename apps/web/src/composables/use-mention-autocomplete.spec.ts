import { flushPromises } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import MessageComposer from '../components/MessageComposer.vue';
import { useMessagesStore } from '../stores/messages.store';
import { useUsersStore } from '../stores/users.store';
import { mountWithApp } from '../testing/mount';
import { connectedHarness } from '../testing/setup';
import { drafts } from './drafts';
import { matchMentions, mentionQueryAt } from './use-mention-autocomplete';

const people = [
  { id: 'bob', name: 'Bob Stone' },
  { id: 'bora', name: 'Bora' },
  { id: 'carol', name: 'Carol Brown' },
  { id: 'minji', name: '김민지' },
];

describe(mentionQueryAt.name, () => {
  it('finds the mention typed before the caret', () => {
    expect(mentionQueryAt('hi @bo', 6)).toEqual({ start: 3, query: 'bo' });
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' });
  });

  it('finds nothing inside an e-mail address, after a space, or away from the caret', () => {
    expect(mentionQueryAt('mail me@bob', 11)).toBeNull();
    expect(mentionQueryAt('@bob and', 8)).toBeNull();
    expect(mentionQueryAt('@bob and', 2)).toEqual({ start: 0, query: 'b' });
  });

  it('accepts Hangul and the other characters of an id', () => {
    expect(mentionQueryAt('안녕 @김민', 6)).toEqual({ start: 3, query: '김민' });
    expect(mentionQueryAt('@j.doe-2_x', 10)).toEqual({ start: 0, query: 'j.doe-2_x' });
  });
});

describe(matchMentions.name, () => {
  it('offers ids first, then display names, then later words of a name, ignoring case', () => {
    expect(matchMentions('B', people, true).map((o) => o.id)).toEqual(['bob', 'bora', 'carol']);
  });

  it('matches a Korean display name', () => {
    expect(matchMentions('김', people, true).map((o) => o.id)).toEqual(['minji']);
  });

  it('offers @room when it matches and the room allows it', () => {
    expect(matchMentions('ro', people, true)).toEqual([{ id: 'room', name: 'room', kind: 'room' }]);
    expect(matchMentions('ro', people, false)).toEqual([]);
  });

  it('offers everyone for a bare @, up to the limit', () => {
    expect(matchMentions('', people, true, 3)).toHaveLength(3);
    expect(matchMentions('', people, true).map((o) => o.id)).toEqual([
      'bob',
      'bora',
      'carol',
      'minji',
      'room',
    ]);
  });
});

async function composer() {
  delete drafts.r1;
  const h = await connectedHarness('alice', (s) => {
    s.addUser('bob');
    s.addUser('bora');
    s.addRoom('r1', ['alice', 'bob', 'bora']);
  });
  useUsersStore().upsert([{ id: 'bob', name: 'bob', displayName: 'Bob Stone', online: true }]);
  await useMessagesStore().select('r1');
  const sut = mountWithApp(MessageComposer, { props: { roomId: 'r1' }, attachTo: document.body });
  return { h, sut, textarea: sut.get('textarea') };
}

const optionTexts = (sut: Awaited<ReturnType<typeof composer>>['sut']) =>
  sut.findAll('[role="option"] [data-test="mention-label"]').map((o) => o.text());

describe('mention autocomplete in the composer', () => {
  it('lists matching members as a listbox the field points at', async () => {
    const { sut, textarea } = await composer();

    await textarea.setValue('hi @bo');

    const list = sut.get('[role="listbox"]');
    expect(optionTexts(sut)).toEqual(['Bob Stone@bob', 'bora@bora']);
    expect(textarea.attributes('aria-controls')).toBe(list.attributes('id'));
    // A textarea is a textbox, which has no aria-expanded (axe: aria-allowed-attr).
    expect(textarea.attributes('aria-expanded')).toBeUndefined();
    const first = sut.get('[role="option"]');
    expect(textarea.attributes('aria-activedescendant')).toBe(first.attributes('id'));
    expect(first.attributes('aria-selected')).toBe('true');
    sut.unmount();
  });

  it('moves with the arrow keys and inserts the chosen id on Enter without sending', async () => {
    const { h, sut, textarea } = await composer();

    await textarea.setValue('hi @bo');
    await textarea.trigger('keydown', { key: 'ArrowDown' });
    expect(sut.findAll('[role="option"]')[1]?.attributes('aria-selected')).toBe('true');
    await textarea.trigger('keydown', { key: 'Enter' });
    await flushPromises();

    expect((textarea.element as HTMLTextAreaElement).value).toBe('hi @bora ');
    expect(sut.find('[role="listbox"]').exists()).toBe(false);
    expect(h.transport().requestsOf('send_message')).toEqual([]);
    sut.unmount();
  });

  it('chooses with Tab too, and Enter sends once the menu is closed', async () => {
    const { h, sut, textarea } = await composer();

    await textarea.setValue('@bob');
    await textarea.trigger('keydown', { key: 'Tab' });
    await flushPromises();
    await textarea.setValue('@bob hello');
    await textarea.trigger('keydown', { key: 'Enter' });
    await flushPromises();

    expect(
      h
        .transport()
        .requestsOf('send_message')
        .map((p) => p.content),
    ).toEqual(['@bob hello']);
    sut.unmount();
  });

  it('closes on Escape and stays closed for that mention', async () => {
    const { sut, textarea } = await composer();

    await textarea.setValue('@b');
    expect(sut.find('[role="listbox"]').exists()).toBe(true);
    await textarea.trigger('keydown', { key: 'Escape' });
    expect(sut.find('[role="listbox"]').exists()).toBe(false);
    expect(textarea.attributes('aria-activedescendant')).toBeUndefined();
    await textarea.setValue('@bo');

    expect(sut.find('[role="listbox"]').exists()).toBe(false);
    sut.unmount();
  });

  it('hides the menu while the field has lost focus', async () => {
    const { sut, textarea } = await composer();

    const field = textarea.element as HTMLTextAreaElement;
    field.focus();
    await textarea.setValue('@b');
    expect(sut.find('[role="listbox"]').exists()).toBe(true);
    field.blur();
    // Quasar reports the blur once focus has settled (after a macrotask).
    await vi.waitFor(() => expect(sut.find('[role="listbox"]').exists()).toBe(false));
    field.focus();

    await vi.waitFor(() => expect(sut.find('[role="listbox"]').exists()).toBe(true));
    sut.unmount();
  });
});
