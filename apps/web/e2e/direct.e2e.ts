import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_DIR, saveScreenshot, waitForText, type Client } from './support/browser';
import {
  createRoom,
  openRoom,
  pickPeople,
  send,
  typeDraft,
  waitForMessage,
} from './support/chat-page';
import { pollUntil } from './support/poll';
import { twoPeopleSignedIn, type TwoPeople } from './support/two-people';

const ROOM = 'Design review';

const shot = (page: Page, name: string) => saveScreenshot(page, DOCS_DIR, name);

const directItem = (page: Page, title: string) =>
  page.locator('[data-test="direct-list"] [data-test="room-item"]', { hasText: title });
const groupItem = (page: Page, title: string) =>
  page.locator('[data-test="room-list"] [data-test="room-item"]', { hasText: title });

describe('direct messages and mentions between two people', () => {
  let people: TwoPeople;
  let alice: Client;
  let bob: Client;

  beforeAll(async () => {
    people = await twoPeopleSignedIn(['alice', 'Bob']);
    ({ alice, bob } = people);
    await createRoom(alice.page, ROOM, ['Bob']);
    await waitForText(bob.page, '[data-test="room-name"]', ROOM);
  });

  afterAll(() => people?.stop());

  it('opens a direct room from the member list, titled with the other person', async () => {
    await alice.page.locator('[data-test="members-button"]').click();
    await alice.page
      .locator('[data-test="member"]', { hasText: 'Bob' })
      .locator('[data-test="message-member"]')
      .click();

    await waitForText(alice.page, '[data-test="room-title"]', 'Bob');
    expect(await alice.page.locator('[data-test="room-title"]').innerText()).toBe('Bob');
    await directItem(alice.page, 'Bob').waitFor();
    // Bob is signed in, and now shares a room with alice: she sees him online.
    await waitForText(alice.page, '[data-test="members-button"]', 'Online');
    expect(await groupItem(alice.page, 'Bob').count()).toBe(0);
    await send(alice.page, 'Got a minute?');
    await waitForMessage(alice.page, 'Got a minute?');
  });

  it('hides the invite action in a direct room', async () => {
    await alice.page.locator('[data-test="room-actions"]').click();
    await alice.page.locator('[data-test="leave"]').waitFor();

    expect(await alice.page.locator('[data-test="invite"]').count()).toBe(0);
    await alice.page.keyboard.press('Escape');
    await alice.page.locator('[data-test="leave"]').waitFor({ state: 'detached' });
  });

  it('lists the direct room for the other person in their direct messages, titled with the sender', async () => {
    const item = directItem(bob.page, 'alice');
    await item.waitFor();

    expect(await item.locator('[data-test="room-name"]').innerText()).toBe('alice');
    await item.click();
    await waitForMessage(bob.page, 'Got a minute?');
    expect(await bob.page.locator('[data-test="room-title"]').innerText()).toBe('alice');
  });

  it('completes @b to Bob from the menu and sends the mention', async () => {
    await openRoom(alice.page, ROOM);
    await typeDraft(alice.page, 'Please look @b');
    const option = alice.page.locator('[data-test="mention-option"]', { hasText: 'Bob' });
    await option.waitFor();
    const composer = alice.page.locator('[data-test="composer"]');
    expect(await option.getAttribute('aria-selected')).toBe('true');
    expect(await composer.getAttribute('aria-activedescendant')).toBe(
      await option.getAttribute('id'),
    );
    await shot(alice.page, 'mention-autocomplete');

    await composer.press('Enter');
    await alice.page.locator('[data-test="mention-menu"]').waitFor({ state: 'detached' });
    expect(await composer.inputValue()).toBe('Please look @bob ');
    await composer.pressSequentially('at the mockups', { delay: 20 });
    await composer.press('Enter');
    // The mention is sent as `@bob` and shown as a chip with Bob's display name.
    await waitForMessage(alice.page, 'Please look @Bob at the mockups');
  });

  it('shows the mention badge on that room to the person mentioned while they are elsewhere', async () => {
    const badge = groupItem(bob.page, ROOM).locator('[data-test="mention-badge"]');
    await pollUntil(
      () => badge.innerText().catch(() => ''),
      (text) => text === '@1',
    );
    expect(await bob.page.locator('[data-test="room-title"]').innerText()).toBe('alice');
    await shot(bob.page, 'direct-messages');
  });

  it('still shows the mention badge after a reload', async () => {
    await bob.page.reload();
    await waitForText(bob.page, '[data-test="me"]', 'Bob');

    const badge = groupItem(bob.page, ROOM).locator('[data-test="mention-badge"]');
    await pollUntil(
      () => badge.innerText().catch(() => ''),
      (text) => text === '@1',
    );
  });

  it('clears the mention badge once the room is read', async () => {
    await openRoom(bob.page, ROOM);
    await waitForMessage(bob.page, 'Please look @Bob at the mockups');

    await groupItem(bob.page, ROOM).locator('[data-test="mention-badge"]').waitFor({
      state: 'detached',
    });
  });

  it('opens the same direct room from the new-direct-message button and the people picker', async () => {
    await bob.page.locator('[data-test="new-direct"]').click();
    await pickPeople(bob.page, ['alice']);
    await bob.page.locator('[data-test="new-direct-submit"]').click();
    await bob.page.locator('[data-test="new-direct-submit"]').waitFor({ state: 'detached' });

    await waitForText(bob.page, '[data-test="room-title"]', 'alice');
    await waitForMessage(bob.page, 'Got a minute?');
    expect(
      await bob.page.locator('[data-test="direct-list"] [data-test="room-item"]').count(),
    ).toBe(1);
  });

  it('raised no page errors, dialogs or outside requests', () => {
    for (const c of [alice, bob]) {
      expect(c.errors).toEqual([]);
      expect(c.dialogs).toEqual([]);
      expect(c.foreignRequests).toEqual([]);
    }
  });
});
