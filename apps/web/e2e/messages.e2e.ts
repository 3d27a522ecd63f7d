import { mkdir } from 'node:fs/promises';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DOCS_DIR,
  launchBrowser,
  openClient,
  saveScreenshot,
  waitForText,
  type Client,
} from './support/browser';
import { createRoom, openRoom, send, signIn, waitForMessage } from './support/chat-page';
import { startGateway, type RunningGateway } from './support/gateway';
import { pollUntil } from './support/poll';

const ROOM = 'Launch plans';
/** Screenshots of this feature, kept with the app's docs. */

const MARKDOWN = [
  '**bold** *italic* ~~gone~~ `code` for @bob and @room',
  '> a quote',
  '',
  '- one',
  '- two',
  '',
  '```',
  'const x = 1 < 2;',
  '```',
  '[the site](https://example.com/docs)',
].join('\n');

const XSS = [
  '**<img src=x onerror=alert(1)>**',
  '[click](javascript:alert(2))',
  '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgzKTwvc2NyaXB0Pg==)',
  '<script>alert(4)</script>',
  '*<svg onload=alert(5)>*',
].join(' ');

/** One message, found by text it shows. */
const messageWith = (page: Page, text: string): Locator =>
  page.locator('[data-test="message"]', { hasText: text }).first();

/** Opens a message's ⋮ menu (hovering first, as a mouse user does) and picks an item. */
async function menuAction(page: Page, text: string, item: string): Promise<void> {
  const message = messageWith(page, text);
  await message.hover();
  await message.locator('[data-test="action-more"]').click();
  await page.locator(`[data-test="${item}"]`).click();
}

/** Picks an emoji in the open picker by searching for it, as a person would. */
async function pickEmoji(page: Page, search: string, emoji: string): Promise<void> {
  const picker = page.locator('[data-test="emoji-picker"] emoji-picker');
  await picker.locator('input.search').fill(search);
  await picker.locator('#search-results button.emoji', { hasText: emoji }).first().click();
}

const shot = (page: Page, name: string) => saveScreenshot(page, DOCS_DIR, name);

describe('messages as people expect them, seen by the second person', () => {
  let gateway: RunningGateway;
  let browser: Browser;
  let alice: Client;
  let bob: Client;
  /** On a phone: touch, narrow screen. */
  let carol: Client;

  beforeAll(async () => {
    await mkdir(DOCS_DIR, { recursive: true });
    gateway = await startGateway();
    browser = await launchBrowser();
    [alice, bob, carol] = await Promise.all([
      openClient(browser, gateway.url),
      openClient(browser, gateway.url),
      openClient(browser, gateway.url, { viewport: { width: 390, height: 844 } }),
    ]);
    await signIn(alice.page, 'alice');
    await signIn(bob.page, 'bob');
    await signIn(carol.page, 'carol');
    await createRoom(alice.page, ROOM, ['bob', 'carol']);
    await openRoom(bob.page, ROOM);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it('renders markdown, links that open safely, and mention chips', async () => {
    await send(alice.page, MARKDOWN);
    await waitForMessage(bob.page, 'a quote');

    const text = messageWith(bob.page, 'a quote').locator('.message-text');
    expect(await text.locator('strong').innerText()).toBe('bold');
    expect(await text.locator('em').innerText()).toBe('italic');
    expect(await text.locator('s').innerText()).toBe('gone');
    expect(await text.locator('p code').innerText()).toBe('code');
    expect(await text.locator('blockquote').innerText()).toBe('a quote');
    expect(await text.locator('li').allInnerTexts()).toEqual(['one', 'two']);
    expect(await text.locator('pre code').innerText()).toBe('const x = 1 < 2;\n');
    const link = text.locator('a');
    expect(await link.getAttribute('href')).toBe('https://example.com/docs');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(await text.locator('.mention').allInnerTexts()).toEqual(['@bob', '@room']);
    // Bob is mentioned: to him, his own chip and @room stand out.
    expect(await text.locator('.mention--me').count()).toBe(2);
    await shot(bob.page, 'messages-markdown');
  });

  it('shows markup inside markdown as text and runs none of it', async () => {
    await send(alice.page, XSS);
    await waitForMessage(bob.page, 'alert(4)');

    const text = messageWith(bob.page, 'alert(4)').locator('.message-text');
    expect(await text.innerText()).toContain('<img src=x onerror=alert(1)>');
    expect(await text.innerText()).toContain('<script>alert(4)</script>');
    expect(await text.locator('strong').innerText()).toBe('<img src=x onerror=alert(1)>');
    expect(await text.locator('img, script, svg, iframe').count()).toBe(0);
    expect(await text.locator('a').count()).toBe(0);
    const injected = await bob.page.evaluate(() => ({
      handlers: document.querySelectorAll('[onerror], [onload], [onclick]').length,
      unsafeLinks: document.querySelectorAll('a[href^="javascript:"], a[href^="data:"]').length,
    }));
    expect(injected).toEqual({ handlers: 0, unsafeLinks: 0 });
    expect(bob.dialogs).toEqual([]);
  });

  it('edits in place: Escape cancels, Enter saves, and the other person sees "(edited)"', async () => {
    await send(alice.page, 'meet at 10');
    await waitForMessage(bob.page, 'meet at 10');

    await menuAction(alice.page, 'meet at 10', 'action-edit');
    const editor = alice.page.locator('[data-test="edit-input"]');
    await editor.fill('never mind');
    await editor.press('Escape');
    await editor.waitFor({ state: 'detached' });
    expect(await messageWith(alice.page, 'meet at 10').isVisible()).toBe(true);

    await menuAction(alice.page, 'meet at 10', 'action-edit');
    await editor.fill('meet at **11**');
    await editor.press('Enter');

    await waitForMessage(bob.page, 'meet at 11');
    const edited = messageWith(bob.page, 'meet at 11');
    expect(await edited.locator('strong').innerText()).toBe('11');
    expect(await edited.locator('[data-test="edited"]').innerText()).toBe('(edited)');
    await edited.locator('[data-test="edited"]').hover();
    await bob.page.locator('.q-tooltip', { hasText: 'Edited at' }).waitFor();
    expect(await bob.page.locator('[data-test="message"]', { hasText: 'meet at 10' }).count()).toBe(
      0,
    );
    // Bob may not edit or delete alice's message: his menu does not offer it.
    await messageWith(bob.page, 'meet at 11').hover();
    await messageWith(bob.page, 'meet at 11').locator('[data-test="action-more"]').click();
    await bob.page.locator('[data-test="menu-reply"]').waitFor();
    expect(await bob.page.locator('[data-test="action-edit"]').count()).toBe(0);
    expect(await bob.page.locator('[data-test="action-delete"]').count()).toBe(0);
    await bob.page.keyboard.press('Escape');
  });

  it('reacts through the emoji picker; chips count, show who, and toggle', async () => {
    const message = messageWith(bob.page, 'meet at 11');
    await message.hover();
    await message.locator('[data-test="action-react"]').click();
    // For the picture: the emoji grid loaded and the menu done fading in.
    const picker = bob.page.locator('[data-test="emoji-picker"] emoji-picker');
    await picker.locator('.tabpanel button.emoji[role="menuitem"]').first().waitFor();
    await pollUntil(
      () => picker.evaluate((el) => getComputedStyle(el.closest('.q-menu') ?? el).opacity),
      (opacity) => opacity === '1',
    );
    await shot(bob.page, 'messages-picker');
    await pickEmoji(bob.page, 'thumbs up', '👍');

    const chip = (page: Page) =>
      messageWith(page, 'meet at 11').locator('[data-test="reaction"][data-emoji="👍"]');
    await waitForText(alice.page, '[data-test="reaction"]', '1');
    expect(await chip(alice.page).getAttribute('aria-pressed')).toBe('false');
    expect(await chip(alice.page).getAttribute('aria-label')).toBe('bob reacted with 👍');

    await chip(alice.page).click();
    await pollUntil(
      () => chip(bob.page).locator('[data-test="reaction-count"]').innerText(),
      (n) => n === '2',
    );
    expect(await chip(bob.page).getAttribute('aria-pressed')).toBe('true');
    expect(await chip(bob.page).getAttribute('aria-label')).toBe('bob, alice reacted with 👍');

    // Alice adds a second emoji with the "+" under the message.
    await messageWith(alice.page, 'meet at 11').locator('[data-test="reaction-add"]').click();
    await pickEmoji(alice.page, 'party', '🎉');
    await pollUntil(
      () => messageWith(bob.page, 'meet at 11').locator('[data-test="reaction"]').count(),
      (n) => n === 2,
    );
    await messageWith(bob.page, 'meet at 11').hover();
    await chip(bob.page).hover();
    await bob.page.locator('.q-tooltip', { hasText: 'bob, alice reacted with 👍' }).waitFor();
    await shot(bob.page, 'messages-actions');

    // Bob takes his reaction back: only alice's stays.
    await chip(bob.page).click();
    await pollUntil(
      () => chip(alice.page).getAttribute('aria-label'),
      (label) => label === 'alice reacted with 👍',
    );
  });

  it('replies with a quote of the parent, and shows the thread in a panel', async () => {
    await menuAction(bob.page, 'meet at 11', 'menu-reply');
    await waitForText(bob.page, '[data-test="reply-bar"]', 'Replying to alice');
    await send(bob.page, 'works for me');

    await waitForMessage(alice.page, 'works for me');
    expect(await bob.page.locator('[data-test="reply-bar"]').count()).toBe(0);
    const quote = messageWith(alice.page, 'works for me').locator('[data-test="reply-quote"]');
    expect(await quote.innerText()).toContain('meet at 11');

    // Alice answers in the thread panel; bob sees the count and opens the thread.
    await messageWith(alice.page, 'meet at 11').locator('[data-test="replies"]').click();
    const panel = alice.page.locator('[data-test="thread-panel"]');
    await waitForText(alice.page, '[data-test="thread-reply"]', 'works for me');
    await panel.locator('[data-test="thread-composer"]').fill('great, see you');
    await panel.locator('[data-test="thread-composer"]').press('Enter');

    await waitForText(bob.page, '[data-test="replies"]', '2 replies');
    await messageWith(bob.page, 'meet at 11').locator('[data-test="replies"]').click();
    const bobPanel = bob.page.locator('[data-test="thread-panel"]');
    await pollUntil(
      () => bobPanel.locator('[data-test="thread-reply"] .message-text').allInnerTexts(),
      (texts) => texts.join('|') === 'works for me|great, see you',
    );
    expect(await bobPanel.locator('.thread-panel__parent .message-text').innerText()).toBe(
      'meet at 11',
    );
    await shot(bob.page, 'messages-thread');

    // A reply's quote brings its parent into view and flashes it.
    await bob.page.locator('[data-test="thread-close"]').click();
    await messageWith(bob.page, 'great, see you').locator('[data-test="reply-quote"]').click();
    await pollUntil(
      () => messageWith(bob.page, 'meet at 11').getAttribute('class'),
      (cls) => cls?.includes('msg--flash') === true,
    );
  });

  it('deletes after a confirmation, leaving a tombstone for everyone', async () => {
    await send(alice.page, 'oops, wrong room');
    await waitForMessage(bob.page, 'oops, wrong room');

    await menuAction(alice.page, 'oops, wrong room', 'action-delete');
    await alice.page.locator('.q-dialog').getByRole('button', { name: 'Delete' }).click();

    await pollUntil(
      () => bob.page.locator('[data-test="message"]', { hasText: 'oops, wrong room' }).count(),
      (n) => n === 0,
    );
    expect(await bob.page.locator('[data-test="tombstone"]').allInnerTexts()).toEqual([
      'Message deleted',
    ]);
  });

  it('tells of a refusal from the server as a notice', async () => {
    // Bob confirms deleting his reply after alice, the room's owner, has deleted it: NOT_FOUND.
    await menuAction(alice.page, 'works for me', 'action-delete');
    await menuAction(bob.page, 'works for me', 'action-delete');
    await alice.page.locator('.q-dialog').getByRole('button', { name: 'Delete' }).click();
    await pollUntil(
      () => bob.page.locator('[data-test="tombstone"]').count(),
      (n) => n === 2,
    );
    await bob.page.locator('.q-dialog').getByRole('button', { name: 'Delete' }).click();
    await waitForText(bob.page, '.q-notification', 'Not found. It may have been deleted.');
  });

  it('on a phone: a long press opens the actions (reacting through them), and the thread takes the whole width', async () => {
    await openRoom(carol.page, ROOM);
    await waitForMessage(carol.page, 'meet at 11');

    await messageWith(carol.page, 'meet at 11').dispatchEvent('contextmenu');
    await carol.page.locator('[data-test="menu-reply"]').waitFor();
    expect(await carol.page.locator('[data-test="action-edit"]').count()).toBe(0);
    await carol.page.locator('[data-test="menu-react"]').click();
    await pickEmoji(carol.page, 'party', '🎉');
    await pollUntil(
      () =>
        messageWith(alice.page, 'meet at 11')
          .locator('[data-test="reaction"][data-emoji="🎉"] [data-test="reaction-count"]')
          .innerText(),
      (n) => n === '2',
    );

    await messageWith(carol.page, 'meet at 11').locator('[data-test="replies"]').click();
    const panel = carol.page.locator('[data-test="thread-panel"]');
    await waitForText(carol.page, '[data-test="thread-reply"]', 'great, see you');
    expect((await panel.boundingBox())?.width).toBe(390);
    expect(await carol.page.locator('[data-test="message-list"]').isVisible()).toBe(false);
    await shot(carol.page, 'messages-thread-phone');

    await carol.page.locator('[data-test="thread-close"]').click();
    await carol.page.locator('[data-test="message-list"]').waitFor();
  });

  it('ran nothing and fetched nothing from elsewhere (the emoji data is bundled)', () => {
    for (const client of [alice, bob, carol]) {
      expect(client.dialogs).toEqual([]);
      expect(client.errors).toEqual([]);
      expect(client.foreignRequests).toEqual([]);
    }
  });
});
