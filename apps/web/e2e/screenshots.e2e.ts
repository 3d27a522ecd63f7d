import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DOCS_DIR,
  launchBrowser,
  openClient,
  saveScreenshot,
  waitForText,
  type Client,
} from './support/browser';
import {
  createRoom,
  invite,
  openRoom,
  searchFor,
  send,
  signIn,
  typeDraft,
  waitForMessage,
  waitUntilSent,
} from './support/chat-page';
import { startGateway, type RunningGateway } from './support/gateway';
import { pollUntil } from './support/poll';

/** The README's pictures: taken where no system font has Hangul, so they show the bundled one. */
const shot = (page: Page, name: string) => saveScreenshot(page, DOCS_DIR, name);

describe('screenshots of the main screens', () => {
  let gateway: RunningGateway;
  let browser: Browser;
  let alice: Client;
  let bob: Client;
  let minji: Client;

  beforeAll(async () => {
    await mkdir(DOCS_DIR, { recursive: true });
    gateway = await startGateway();
    browser = await launchBrowser();
    [alice, bob, minji] = await Promise.all([
      openClient(browser, gateway.url),
      openClient(browser, gateway.url),
      openClient(browser, gateway.url, { locale: 'ko-KR', viewport: { width: 390, height: 844 } }),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it('sign-in, in Korean when the browser prefers it, at phone width', async () => {
    await waitForText(minji.page, 'h1', '채팅');
    await shot(minji.page, 'sign-in-phone-ko');
    await signIn(alice.page, 'alice');
    await signIn(bob.page, 'Bob');
    await signIn(minji.page, '민지');
  });

  it('a conversation, light theme', async () => {
    await createRoom(alice.page, 'Design review', ['Bob']);
    await invite(alice.page, ['민지']);
    await send(alice.page, 'Morning! The new mockups are up: https://example.com/mockups');
    await openRoom(bob.page, 'Design review');
    await send(bob.page, 'Looks great 👍\nThe spacing on the list feels much better.');
    await waitForMessage(alice.page, 'Looks great');
    await send(alice.page, 'Thanks! Shall we ship it on Friday?');
    await minji.page.locator('[data-test="room-item"]', { hasText: 'Design review' }).click();
    await send(minji.page, '좋아요! 금요일에 채팅방에서 만나요 🙌');
    await waitForMessage(alice.page, '금요일에');
    await waitUntilSent(alice.page);
    await typeDraft(bob.page, 'Friday works');
    await waitForText(alice.page, '[data-test="typing-indicator"]', 'Bob is typing');
    await createRoom(alice.page, 'Lunch', ['Bob']);
    await openRoom(alice.page, 'Design review');
    await shot(alice.page, 'chat-light');
  });

  it('search with highlighted matches', async () => {
    await alice.page.locator('[data-test="search-all"]').click();
    await searchFor(alice.page, '채팅', '채팅방에서');
    await shot(alice.page, 'search');
    await alice.page.keyboard.press('Escape');
  });

  it('the same conversation, dark theme', async () => {
    await alice.page.locator('[data-test="account-menu"]').click();
    await alice.page.locator('[data-test="theme-dark"]').click();
    await alice.page.keyboard.press('Escape');
    await pollUntil(
      () => alice.page.locator('body.body--dark').count(),
      (n) => n === 1,
    );
    await alice.page.locator('.q-menu').waitFor({ state: 'detached' });
    await shot(alice.page, 'chat-dark');
  });

  it('phone width, Korean: the conversation, then the room list', async () => {
    await waitForMessage(minji.page, '금요일에');
    await minji.page.locator('[data-test="composer"]').blur();
    await shot(minji.page, 'chat-phone-ko');
    await minji.page.locator('[data-test="open-drawer"]').click();
    await waitForText(minji.page, '[data-test="room-name"]', 'Design review');
    // Wait for the drawer to finish sliding in.
    await pollUntil(
      async () => (await minji.page.locator('.q-drawer--mobile').boundingBox())?.x,
      (x) => x === 0,
    );
    await shot(minji.page, 'rooms-phone-ko');
  });

  it('stayed on the machine', () => {
    for (const client of [alice, bob, minji]) {
      expect(client.foreignRequests).toEqual([]);
      expect(client.errors).toEqual([]);
    }
  });
});
