import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, settled } from './support/axe';
import {
  SCREENSHOT_DIR,
  launchBrowser,
  openClient,
  waitForText,
  type Client,
} from './support/browser';
import {
  createRoom,
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

const ROOM = 'Reading room';
const PHONE = { width: 390, height: 844 };

/** Draws a small picture and pastes it into the composer, as a copied screenshot. */
async function pasteImage(page: Page): Promise<void> {
  await page.locator('[data-test="composer"]').focus();
  await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 240;
    canvas.height = 160;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    ctx.fillStyle = '#2b5876';
    ctx.fillRect(0, 0, 240, 160);
    ctx.fillStyle = '#ffe08a';
    ctx.fillRect(140, 40, 60, 60);
    const blob = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no blob'))), 'image/png'),
    );
    const data = new DataTransfer();
    data.items.add(new File([blob], 'harbour.png', { type: 'image/png' }));
    document
      .querySelector('[data-test="composer"]')
      ?.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
  });
}

/** Attaches a text file and waits until its chip says it is uploaded. */
async function attachFile(page: Page, name: string): Promise<void> {
  await page.locator('[data-test="file-input"]').setInputFiles({
    name,
    mimeType: 'text/plain',
    buffer: Buffer.from('milk\nbread\n'),
  });
  await pollUntil(
    () => page.locator('[data-test="upload-chip"]').getAttribute('data-status'),
    (status) => status === 'done',
  );
}

/** Closes whatever dialog or menu is open with Escape, and waits until it is gone. */
async function dismiss(page: Page, selector: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.locator(selector).first().waitFor({ state: 'detached' });
  await settled(page);
}

/** On a phone the room list is a drawer that closes when a room opens: open it again. */
async function showSidebar(page: Page): Promise<void> {
  if (await page.locator('[data-test="new-room"]').isVisible()) return;
  await page.locator('[data-test="open-drawer"]').click();
  await page.locator('[data-test="new-room"]').waitFor({ state: 'visible' });
  await settled(page);
}

/** Every tab of the sign-in page. */
async function signInScans(page: Page, where: string): Promise<string[]> {
  const found: string[] = [];
  await page.locator('[data-test="account-name-input"]').waitFor();
  found.push(...(await axeViolations(page, `${where} sign-in account tab`)));
  await page.locator('[data-test="guest-tab"]').click();
  await page.locator('[data-test="name-input"]').waitFor();
  found.push(...(await axeViolations(page, `${where} sign-in guest tab`)));
  await page.getByRole('tab', { name: 'Token' }).click();
  await page.locator('[data-test="token-input"]').waitFor();
  found.push(...(await axeViolations(page, `${where} sign-in token tab`)));
  await page.locator('[data-test="sign-in-prefs"]').click();
  await page.locator('[data-test="theme-toggle"]').waitFor();
  found.push(...(await axeViolations(page, `${where} sign-in preferences menu`)));
  await dismiss(page, '[data-test="theme-toggle"]');
  return found;
}

/** The chat with the room open, then each menu and dialog of the app, one at a time. */
async function chatScans(page: Page, where: string): Promise<string[]> {
  const found: string[] = [];
  const scan = async (what: string) =>
    found.push(...(await axeViolations(page, `${where} ${what}`)));

  await waitForMessage(page, 'Has everyone started the book?');
  await page.locator('[data-test="attachment-thumbnail"]').first().waitFor();
  await scan('chat with a room open');

  await page.locator('[data-test="message-group"] [data-test="profile-name-link"]').first().click();
  await page.locator('[data-test="profile-card"]').waitFor();
  await scan('profile card');
  await dismiss(page, '[data-test="profile-card"]');

  await page.locator('[data-test="room-actions"]').click();
  await page.locator('[data-test="invite"]').waitFor();
  await scan('room actions menu');
  await page.locator('[data-test="leave"]').click();
  const cancelLeave = page.locator('.q-dialog button', { hasText: 'Cancel' });
  await cancelLeave.waitFor();
  await scan('leave room confirmation');
  await cancelLeave.click();
  await cancelLeave.waitFor({ state: 'detached' });
  await settled(page);

  await page.locator('[data-test="room-actions"]').click();
  await page.locator('[data-test="invite"]').click();
  await page.locator('[data-test="invite-submit"]').waitFor();
  await scan('invite dialog');
  await dismiss(page, '[data-test="invite-submit"]');

  await page.locator('[data-test="members-button"]').click();
  await page.locator('[data-test="member"]').first().waitFor();
  await scan('member list');
  await dismiss(page, '[data-test="member"]');

  await page.locator('[data-test="search-room"]').click();
  await searchFor(page, 'book', 'book');
  await scan('search dialog with results');
  await dismiss(page, '[data-test="search-input"]');

  await page.locator('[data-test="attachment-image"]').first().click();
  await pollUntil(
    () =>
      page
        .locator('[data-test="lightbox-image"]')
        .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
    (loaded) => loaded,
  );
  await scan('image lightbox');
  await page.locator('[data-test="lightbox-close"]').click();
  await page.locator('[data-test="lightbox"]').waitFor({ state: 'detached' });
  await settled(page);

  await showSidebar(page);
  await page.locator('[data-test="new-room"]').click();
  await page.locator('[data-test="room-name-input"]').waitFor();
  await scan('new room dialog');
  await page.locator('[data-test="user-picker"]').fill('car');
  await page.locator('[data-test="user-option"]').first().waitFor();
  await scan('new room dialog with the people picker open');
  await dismiss(page, '[data-test="user-option"]');
  await dismiss(page, '[data-test="room-name-input"]');

  await showSidebar(page);
  await page.locator('[data-test="new-direct"]').click();
  await page.locator('[data-test="new-direct-submit"]').waitFor();
  await scan('new direct message dialog');
  await dismiss(page, '[data-test="new-direct-submit"]');

  await showSidebar(page);
  await page.locator('[data-test="account-menu"]').click();
  await page.locator('[data-test="open-account"]').waitFor();
  await scan('account menu');
  await page.locator('[data-test="open-account"]').click();
  await page.locator('[data-test="session-item"]').first().waitFor();
  await scan('account dialog with sessions');
  await dismiss(page, '[data-test="account-dialog"]');
  return found;
}

describe('accessibility: axe finds no violation on any page or dialog', () => {
  let gateway: RunningGateway;
  let browser: Browser;
  let alice: Client;
  let bob: Client;

  /** Bob's session in another window, with its own theme and size. */
  async function bobIn(opts: { colorScheme: 'light' | 'dark'; phone?: boolean }) {
    const context = await browser.newContext({
      storageState: await bob.context.storageState(),
      colorScheme: opts.colorScheme,
      ...(opts.phone
        ? { viewport: PHONE, isMobile: true, hasTouch: true }
        : { viewport: { width: 1280, height: 800 } }),
    });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto(gateway.url);
    await waitForText(page, '[data-test="room-title"]', ROOM);
    return { context, page };
  }

  beforeAll(async () => {
    gateway = await startGateway();
    browser = await launchBrowser();
    [alice, bob] = await Promise.all([
      openClient(browser, gateway.url),
      openClient(browser, gateway.url),
    ]);
    await signIn(alice.page, 'alice');
    await signIn(bob.page, 'bob');
    // Someone to find in the people picker.
    const carol = await fetch(`${gateway.url}/chat/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'carol' }),
    });
    expect(carol.status).toBe(201);

    // A direct conversation, so the sidebar shows that section filled.
    await bob.page.locator('[data-test="new-direct"]').click();
    await bob.page.locator('[data-test="user-picker"]').fill('alice');
    await bob.page.locator('[data-test="user-option"]', { hasText: 'alice' }).first().click();
    await bob.page.locator('[data-test="new-direct-submit"]').click();
    await waitForText(bob.page, '[data-test="room-title"]', 'alice');
    await send(bob.page, 'Coffee later?');
    await waitUntilSent(bob.page);

    await createRoom(alice.page, ROOM, ['bob']);
    await send(alice.page, 'Has everyone started the book?');
    await send(alice.page, 'Notes are on www.example.org, @bob');
    await attachFile(alice.page, 'chapters.txt');
    await send(alice.page, 'the reading plan');
    await pasteImage(alice.page);
    await pollUntil(
      () => alice.page.locator('[data-test="upload-chip"]').getAttribute('data-status'),
      (status) => status === 'done',
    );
    await alice.page.locator('[data-test="send"]').click();
    await waitUntilSent(alice.page);

    await openRoom(bob.page, ROOM);
    await waitForMessage(bob.page, 'the reading plan');
    await send(bob.page, 'Halfway through the book');
    await waitUntilSent(bob.page);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it('finds no violation on the sign-in page, each tab, light and dark, desktop and phone', async () => {
    const found: string[] = [];
    for (const [colorScheme, viewport] of [
      ['light', undefined],
      ['dark', PHONE],
    ] as const) {
      const visitor = await openClient(browser, gateway.url, { colorScheme, viewport });
      found.push(...(await signInScans(visitor.page, `${colorScheme}${viewport ? ' phone' : ''}`)));
      expect(visitor.errors).toEqual([]);
      await visitor.context.close();
    }
    expect(found).toEqual([]);
  });

  it('finds no violation in the chat and every dialog, light theme', async () => {
    expect(await chatScans(bob.page, 'light')).toEqual([]);
  });

  it('draws a solid ring around a room item reached with the keyboard', async () => {
    const { page } = bob;
    await page.locator('[data-test="new-room"]').focus();
    await page.keyboard.press('Tab');
    const item = page.locator('[data-test="room-list"] [data-test="room-item"]').first();
    expect(await item.evaluate((el) => el === document.activeElement)).toBe(true);
    const ring = await item.evaluate((el) => {
      const style = getComputedStyle(el);
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    });
    expect(ring.style).toBe('solid');
    expect(ring.width).toBeGreaterThanOrEqual(2);
    await page.screenshot({
      path: path.join(SCREENSHOT_DIR, 'a11y-focus-ring.png'),
      clip: { x: 0, y: 0, width: 400, height: 400 },
    });
  });

  it('finds no violation with the mention menu and an uploaded file in the composer', async () => {
    const { page } = bob;
    await typeDraft(page, 'Thanks @a');
    await page.locator('[data-test="mention-option"]').first().waitFor();
    const found = await axeViolations(page, 'light mention menu open');
    await page.keyboard.press('Escape');
    await page.locator('[data-test="composer"]').fill('');
    await attachFile(page, 'notes.txt');
    found.push(...(await axeViolations(page, 'light upload chip in the composer')));
    await page.locator('[data-test="upload-remove"]').click();
    await page.locator('[data-test="upload-chip"]').waitFor({ state: 'detached' });
    expect(found).toEqual([]);
  });

  it('finds no violation in the chat and every dialog, dark theme', async () => {
    const { context, page } = await bobIn({ colorScheme: 'dark' });
    const found = await chatScans(page, 'dark');
    await context.close();
    expect(found).toEqual([]);
  });

  it.each(['light', 'dark'] as const)(
    'finds no violation at phone width in the %s theme, in a room and the room list',
    async (colorScheme) => {
      const { context, page } = await bobIn({ colorScheme, phone: true });
      const found = await chatScans(page, `${colorScheme} phone`);
      await showSidebar(page);
      found.push(...(await axeViolations(page, `${colorScheme} phone room list`)));
      await context.close();
      expect(found).toEqual([]);
    },
  );

  it('raised no page errors, dialogs or outside requests', () => {
    for (const c of [alice, bob]) {
      expect(c.errors).toEqual([]);
      expect(c.dialogs).toEqual([]);
      expect(c.foreignRequests).toEqual([]);
    }
  });
});
