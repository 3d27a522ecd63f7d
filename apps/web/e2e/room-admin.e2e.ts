import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForText, type Client } from './support/browser';
import { createRoom, openRoom } from './support/chat-page';
import { twoPeopleSignedIn, type TwoPeople } from './support/two-people';

describe('room administration between two people', () => {
  let people: TwoPeople;
  let alice: Client;
  let bob: Client;

  beforeAll(async () => {
    people = await twoPeopleSignedIn(['alice', 'Bob']);
    ({ alice, bob } = people);
  });

  afterAll(() => people?.stop());

  it('lets the owner rename the room and set its topic, and the other sees both', async () => {
    await createRoom(alice.page, 'Plans', ['Bob']);
    await openRoom(bob.page, 'Plans');

    await alice.page.locator('[data-test="room-actions"]').click();
    await alice.page.locator('[data-test="room-settings"]').click();
    await alice.page.locator('[data-test="settings-name"]').fill('Launch');
    await alice.page.locator('[data-test="settings-topic"]').fill('Ship it on Friday');
    await alice.page.locator('[data-test="settings-submit"]').click();
    await alice.page.locator('[data-test="settings-submit"]').waitFor({ state: 'detached' });

    await waitForText(alice.page, '[data-test="room-topic"]', 'Ship it on Friday');
    await waitForText(bob.page, '[data-test="room-title"]', 'Launch');
    await waitForText(bob.page, '[data-test="room-topic"]', 'Ship it on Friday');
    await waitForText(bob.page, '[data-test="room-item"]', 'Launch');
    await waitForText(bob.page, '[data-test="system-message"]', 'set the topic');

    // Only the owner is offered the settings.
    await bob.page.locator('[data-test="room-actions"]').click();
    await bob.page.locator('[data-test="leave"]').waitFor();
    expect(await bob.page.locator('[data-test="room-settings"]').count()).toBe(0);
    await bob.page.keyboard.press('Escape');
  });

  it('lets the owner remove the other, whose app drops the room', async () => {
    await alice.page.locator('[data-test="members-button"]').click();
    await alice.page.locator('[data-test="remove-member"]').click();
    await alice.page.locator('.q-dialog button', { hasText: 'Remove' }).click();

    await waitForText(alice.page, '[data-test="system-message"]', 'removed');
    await bob.page
      .locator('[data-test="room-item"]', { hasText: 'Launch' })
      .waitFor({ state: 'detached' });
    await waitForText(alice.page, '[data-test="members-button"]', '1 member');
  });
});
