import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe';
import { waitForText, type Client } from './support/browser';
import { createRoom, openRoom, send, waitUntilSent } from './support/chat-page';
import { pollUntil } from './support/poll';
import { twoPeopleSignedIn, type TwoPeople } from './support/two-people';

const ROOM = 'Chatter';

const item = (page: Page, name: string) =>
  page.locator('[data-test="room-item"]', { hasText: name }).first();

async function chooseFromRoomMenu(page: Page, label: string): Promise<void> {
  await page.locator('[data-test="room-actions"]').click();
  const entry = page.locator('[data-test="mute"]');
  await waitForText(page, '[data-test="mute"]', label);
  await entry.click();
  await entry.waitFor({ state: 'detached' });
}

describe('muting a room, two people', () => {
  let people: TwoPeople;
  let alice: Client;
  let bob: Client;

  beforeAll(async () => {
    people = await twoPeopleSignedIn(['alice', 'bob']);
    ({ alice, bob } = people);
    await createRoom(alice.page, ROOM, ['bob']);
    await createRoom(bob.page, 'Elsewhere', []);
  });

  afterAll(() => people?.stop());

  it('is muted from the room menu and shows a muted icon in the list', async () => {
    await openRoom(bob.page, ROOM);
    await chooseFromRoomMenu(bob.page, 'Mute room');

    await item(bob.page, ROOM).locator('[data-test="muted-icon"]').waitFor();
    expect(await item(bob.page, ROOM).getAttribute('aria-label')).toContain('Muted');
    await openRoom(bob.page, 'Elsewhere');
  });

  it('shows no unread badge or notice for its messages, but a mention still counts and notifies', async () => {
    await send(alice.page, 'just chatting');
    await waitUntilSent(alice.page);
    await waitForText(bob.page, '[data-test="room-item"]', 'just chatting');
    expect(await item(bob.page, ROOM).locator('[data-test="unread-badge"]').count()).toBe(0);
    expect(await bob.page.locator('.q-notification', { hasText: 'just chatting' }).count()).toBe(0);
    expect(await bob.page.title()).toBe('Chat');

    await send(alice.page, '@bob look at this');
    await waitUntilSent(alice.page);
    const badge = item(bob.page, ROOM).locator('[data-test="mention-badge"]');
    await pollUntil(
      () => badge.innerText().catch(() => ''),
      (text) => text === '@1',
    );
    // The mention's notice stands alone: the plain message before it raised none to group with.
    const notice = bob.page.locator('.q-notification', { hasText: 'look at this' });
    await notice.waitFor();
    expect(await notice.locator('.q-notification__badge').count()).toBe(0);
    expect(await bob.page.locator('.q-notification', { hasText: 'just chatting' }).count()).toBe(0);
    expect(await item(bob.page, ROOM).locator('[data-test="unread-badge"]').count()).toBe(0);
    expect(await bob.page.title()).toBe('(1) Chat');
  });

  it('stays muted after a reload, as the server keeps it', async () => {
    await bob.page.reload();
    await waitForText(bob.page, '[data-test="me"]', 'bob');
    await item(bob.page, ROOM).locator('[data-test="muted-icon"]').waitFor();
    expect(await item(bob.page, ROOM).locator('[data-test="unread-badge"]').count()).toBe(0);
    expect(await axeViolations(bob.page, 'a muted room with a mention in the list')).toEqual([]);
  });

  it('shows the unread count again once unmuted, and only for the one who muted', async () => {
    await openRoom(bob.page, ROOM);
    await chooseFromRoomMenu(bob.page, 'Unmute room');
    await item(bob.page, ROOM).locator('[data-test="muted-icon"]').waitFor({ state: 'detached' });
    await openRoom(bob.page, 'Elsewhere');

    await send(alice.page, 'loud again');
    await waitUntilSent(alice.page);
    await waitForText(bob.page, '[data-test="room-item"] [data-test="unread-badge"]', '1');
    await bob.page.locator('.q-notification', { hasText: 'loud again' }).waitFor();
    expect(await alice.page.locator('[data-test="muted-icon"]').count()).toBe(0);
  });
});
