import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openClient, waitForText, type Client } from './support/browser';
import { createRoom, openRoom, signIn } from './support/chat-page';
import { startGateway, type RunningGateway } from './support/gateway';

describe('room administration between two people', () => {
  let gateway: RunningGateway;
  let browser: Browser;
  let alice: Client;
  let bob: Client;

  beforeAll(async () => {
    gateway = await startGateway();
    browser = await launchBrowser();
    [alice, bob] = await Promise.all([
      openClient(browser, gateway.url),
      openClient(browser, gateway.url),
    ]);
    await signIn(alice.page, 'alice');
    await signIn(bob.page, 'Bob');
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

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
