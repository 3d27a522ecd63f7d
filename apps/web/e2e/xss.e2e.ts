import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openClient, textsOf, waitForText, type Client } from './support/browser';
import { createRoom, openRoom, searchFor, send, signIn, waitForMessage } from './support/chat-page';
import { startGateway, type RunningGateway } from './support/gateway';

const PAYLOAD = '<img src=x onerror=alert(1)>';

/** Nothing in the page may be an element made from user input. */
const injected = (client: Client) =>
  client.page.evaluate(() => ({
    images: document.querySelectorAll('img').length,
    handlers: document.querySelectorAll('[onerror], [onload], [onclick]').length,
    scripts: [...document.scripts].filter((s) => !s.src).length,
  }));

describe('markup in names, rooms and messages', () => {
  let gateway: RunningGateway;
  let browser: Browser;
  let mallory: Client;
  let victim: Client;

  beforeAll(async () => {
    gateway = await startGateway();
    browser = await launchBrowser();
    [mallory, victim] = await Promise.all([
      openClient(browser, gateway.url),
      openClient(browser, gateway.url),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it('rejects a user name with markup, with a clear message', async () => {
    await mallory.page.locator('[data-test="guest-tab"]').click();
    for (const name of ['x<y', PAYLOAD]) {
      await mallory.page.locator('[data-test="name-input"]').fill(name);
      await mallory.page.locator('[data-test="sign-in-submit"]').click();
      await waitForText(mallory.page, '.q-field__messages', 'A name cannot contain “<”');
    }
    expect(await mallory.page.locator('[data-test="me"]').count()).toBe(0);
  });

  it('shows a room name with markup literally, to its creator and its members', async () => {
    await signIn(mallory.page, 'mallory');
    await signIn(victim.page, 'victim');

    await createRoom(mallory.page, PAYLOAD, ['victim']);
    await waitForText(victim.page, '[data-test="room-name"]', PAYLOAD);
    await waitForText(victim.page, '.q-notification', `mallory added you to “${PAYLOAD}”`);
    await openRoom(victim.page, PAYLOAD);

    expect(await textsOf(victim.page, '[data-test="room-title"]')).toEqual([PAYLOAD]);
    expect(await textsOf(mallory.page, '[data-test="room-name"]')).toEqual([PAYLOAD]);
  });

  it('shows a message with markup literally, in the log, list, notification and search', async () => {
    await openRoom(victim.page, PAYLOAD);
    await send(mallory.page, PAYLOAD);
    const withLinks = 'javascript:alert(1) and https://example.com/ok';
    await send(mallory.page, withLinks);
    await waitForMessage(victim.page, PAYLOAD);
    await waitForMessage(mallory.page, PAYLOAD);
    // The links are counted in the second message: wait for it, not only the first.
    await waitForMessage(victim.page, withLinks);

    const links = victim.page.locator('[data-test="message"] a');
    expect(await links.count()).toBe(1);
    expect(await links.getAttribute('href')).toBe('https://example.com/ok');
    expect(await links.getAttribute('rel')).toBe('noopener noreferrer nofollow');

    await victim.page.locator('[data-test="search-room"]').click();
    await searchFor(victim.page, 'onerror', PAYLOAD);
    const hit = victim.page.locator('[data-test="search-hit"]', { hasText: PAYLOAD }).first();
    expect(await hit.locator('mark').count()).toBeGreaterThan(0);
    expect(await hit.locator('.search-hit__fragment *:not(mark)').count()).toBe(0);
  });

  it('ran nothing: no dialog, no injected element, no error', async () => {
    for (const client of [mallory, victim]) {
      expect(client.dialogs).toEqual([]);
      expect(client.errors).toEqual([]);
      expect(client.foreignRequests).toEqual([]);
      expect(await injected(client)).toEqual({ images: 0, handlers: 0, scripts: 0 });
    }
  });
});
