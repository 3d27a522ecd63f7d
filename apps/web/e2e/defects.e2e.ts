import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openClient, textsOf, waitForText, type Client } from './support/browser';
import {
  createRoom,
  invite,
  openRoom,
  send,
  signIn,
  waitForMessage,
  waitUntilSent,
} from './support/chat-page';
import { startGateway, type RunningGateway } from './support/gateway';
import { pollUntil } from './support/poll';

/** Defects found by a walk-through of the app (issue 13), each as a person sees it. */

type Box = { x: number; y: number; width: number; height: number };

const box = async (locator: Locator): Promise<Box> => {
  const found = await locator.boundingBox();
  if (!found) throw new Error('element has no box');
  return found;
};

const overlaps = (a: Box, b: Box): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The name field's error; not the previous one while its leave transition still runs. */
const nameError = (page: Page) =>
  page.locator('.q-field__messages[id$="_error"]:not([class*="-leave-active"])');

/** Sets the display name from the account dialog, as a person would, and closes it. */
async function setDisplayName(page: Page, name: string): Promise<void> {
  await page.locator('[data-test="account-menu"]').click();
  await page.locator('[data-test="open-account"]').click();
  await page.locator('[data-test="display-name-input"]').fill(name);
  await page.locator('[data-test="display-name-save"]').click();
  await waitForText(page, '[data-test="me"]', name);
  await page.keyboard.press('Escape');
  await page.locator('[data-test="account-dialog"]').waitFor({ state: 'detached' });
}

describe('defects of the walk-through (issue 13)', () => {
  let gateway: RunningGateway;
  let browser: Browser;
  const clients: Client[] = [];
  const open = async (options: Parameters<typeof openClient>[2] = {}) => {
    const client = await openClient(browser, gateway.url, options);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    gateway = await startGateway();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it('defect 2: a newly invited member sees the newest message in the room list at once', async () => {
    const [owner, newcomer] = [await open(), await open()];
    await signIn(owner.page, 'owner2');
    await signIn(newcomer.page, 'newcomer2');
    await createRoom(owner.page, 'Busy room', []);
    for (let i = 1; i <= 5; i++) await send(owner.page, `busy message ${i}`);
    await waitUntilSent(owner.page);
    await waitForText(owner.page, '[data-test="room-item"]', 'busy message 5');

    await invite(owner.page, ['newcomer2']);
    const item = newcomer.page.locator('[data-test="room-item"]', { hasText: 'Busy room' });
    await item.waitFor();
    // The invite's system line is the newest message now.
    await pollUntil(
      () => item.innerText(),
      (text) => text.includes('invited newcomer2'),
    );
    expect(await item.innerText()).not.toContain('No messages yet');
  });

  it('defect 6: a Korean-UI member sees invite and leave lines in Korean, with display names', async () => {
    const [owner, reader, guest] = [await open(), await open({ locale: 'ko-KR' }), await open()];
    await signIn(owner.page, 'owner6');
    await signIn(guest.page, 'guest6');
    await setDisplayName(owner.page, 'Jimin Park');
    await setDisplayName(guest.page, '하나');
    await signIn(reader.page, 'reader6');
    await createRoom(owner.page, 'Team six', ['reader6']);
    await invite(owner.page, ['guest6']);
    await openRoom(guest.page, 'Team six');
    await guest.page.locator('[data-test="room-actions"]').click();
    await guest.page.locator('[data-test="leave"]').click();
    await guest.page.locator('.q-dialog button', { hasText: 'Leave room' }).click();

    const lines = '[data-test="system-message"]';
    await waitForText(reader.page, '[data-test="room-item"]', '하나 님이 나갔어요');
    await openRoom(reader.page, 'Team six');
    await waitForText(reader.page, lines, 'Jimin Park 님이 하나 님을 초대했어요');
    await waitForText(reader.page, lines, '하나 님이 나갔어요');
    for (const text of await textsOf(reader.page, lines)) {
      expect(text).not.toMatch(/owner6|guest6|invited|left/);
    }
    // The lines name people by id underneath, so a new display name shows in them at once.
    await setDisplayName(owner.page, 'Jimin K.');
    await waitForText(reader.page, lines, 'Jimin K. 님이 하나 님을 초대했어요');
    // The English UI words the same lines in English.
    await openRoom(owner.page, 'Team six');
    await waitForText(owner.page, lines, 'Jimin K. invited 하나');
    await waitForText(owner.page, lines, '하나 left');
  });

  it('defect 9: says a name is too long, with the limit, instead of cutting it', async () => {
    const { page } = await open();
    await page.locator('[data-test="guest-tab"]').click();
    const input = page.locator('[data-test="name-input"]');
    await input.fill('a'.repeat(200));
    expect(await input.inputValue()).toHaveLength(200);
    await page.locator('[data-test="sign-in-submit"]').click();
    await waitForText(page, '.q-field__messages', 'at most 32 characters');
    expect(await nameError(page).innerText()).toContain('200');
  });

  it('defect 9: names the character a name may not hold', async () => {
    const { page } = await open();
    await page.locator('[data-test="guest-tab"]').click();
    const input = page.locator('[data-test="name-input"]');
    for (const [name, shown] of [
      ['ann@home', '“@”'],
      ['ann lee', 'a space'],
    ] as const) {
      await input.fill(name);
      await page.locator('[data-test="sign-in-submit"]').click();
      await waitForText(page, '.q-field__messages', shown);
      expect(await nameError(page).innerText()).not.toContain('spaces or symbols');
    }
    expect(await page.locator('[data-test="me"]').count()).toBe(0);
  });

  it('defect 4: a message sent offline stays pending and is sent on reconnect', async () => {
    const [writer, reader] = [await open(), await open()];
    await signIn(writer.page, 'writer4');
    await signIn(reader.page, 'reader4');
    await createRoom(writer.page, 'Tunnel', ['reader4']);
    await writer.context.setOffline(true);
    await writer.page.locator('[data-test="connection-banner"]').waitFor();
    await send(writer.page, 'sent in the tunnel');
    const bubble = writer.page.locator('[data-test="message"]', { hasText: 'sent in the tunnel' });
    await bubble.waitFor();
    await bubble.locator('[data-test="pending"]').waitFor();
    expect(await writer.page.locator('.msg--failed').count()).toBe(0);
    expect(await writer.page.locator('[data-test="retry"]').count()).toBe(0);

    await writer.context.setOffline(false);
    await openRoom(reader.page, 'Tunnel');
    await waitForMessage(reader.page, 'sent in the tunnel');
    await waitUntilSent(writer.page);
    expect(await writer.page.locator('.msg--failed').count()).toBe(0);
  });

  it('defect 5: the people picker closes after a choice, uncovering the Create button', async () => {
    const [chooser, chosen] = [await open(), await open()];
    await signIn(chosen.page, 'chosen5');
    await signIn(chooser.page, 'chooser5');
    const { page } = chooser;
    await page.locator('[data-test="new-room"]').click();
    await page.locator('[data-test="room-name-input"]').fill('Picked');
    await page.locator('[data-test="user-picker"]').fill('chosen5');
    await page.locator('[data-test="user-option"]', { hasText: 'chosen5' }).first().click();
    await pollUntil(
      () => page.locator('[data-test="user-option"]').count(),
      (n) => n === 0,
    );
    // No Escape: the button is reachable as it is.
    await page.locator('[data-test="create-room-submit"]').click();
    await waitForText(page, '[data-test="room-title"]', 'Picked');
    await waitForText(chosen.page, '[data-test="room-name"]', 'Picked');
  });

  it('defect 8: on a phone, tapping the room already open closes the drawer', async () => {
    const { page } = await open({ viewport: { width: 390, height: 844 } });
    await signIn(page, 'phone8');
    await createRoom(page, 'Pocket', []);
    const openBackdrop = page.locator('.q-drawer__backdrop:not(.hidden)');
    await pollUntil(
      () => openBackdrop.count(),
      (n) => n === 0,
    );
    await page.locator('[data-test="open-drawer"]').click();
    await openBackdrop.waitFor();
    await page.locator('[data-test="room-item"]', { hasText: 'Pocket' }).click();
    await pollUntil(
      () => openBackdrop.count(),
      (n) => n === 0,
    );
    await page.locator('[data-test="composer"]').click();
  });

  it('defect 13: links www. addresses as it links https:// ones', async () => {
    const { page } = await open();
    await signIn(page, 'linker13');
    await createRoom(page, 'Links', []);
    await send(page, 'see www.example.org/docs, or https://example.com');
    await waitForMessage(page, 'www.example.org/docs');
    const hrefs = await page
      .locator('[data-test="message"] .message-text a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual(['http://www.example.org/docs', 'https://example.com/']);
  });

  it('defect 11: the built-in server sends the app compressed, as the browser accepts it', async () => {
    const { page } = await open();
    const encodings = new Map<string, string | undefined>();
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (/\.(js|css)$/.test(url.pathname) || url.pathname === '/') {
        encodings.set(url.pathname, response.headers()['content-encoding']);
      }
    });
    await page.reload();
    await page.locator('[data-test="guest-tab"]').waitFor();
    const scripts = [...encodings].filter(([file]) => file.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    expect(
      [...encodings].filter(([, encoding]) => !['br', 'gzip'].includes(encoding ?? '')),
    ).toEqual([]);
  });

  it('defect 12: Korean text gets the bundled Korean font, downloaded only once Korean shows', async () => {
    const fonts: string[] = [];
    const watch = (client: Client) =>
      client.page.on('request', (request) => {
        if (/noto-sans-kr.*\.woff2$/.test(request.url())) fonts.push(request.url());
      });
    const english = await open();
    watch(english);
    await english.page.reload();
    await english.page.locator('[data-test="guest-tab"]').waitFor();
    await signIn(english.page, 'latin12');
    await english.page.evaluate(() => document.fonts.ready);
    expect(fonts).toEqual([]);

    const korean = await open({ locale: 'ko-KR' });
    watch(korean);
    await korean.page.reload();
    await waitForText(korean.page, 'body', '채팅');
    await pollUntil(
      () => korean.page.evaluate(() => document.fonts.check('16px "Noto Sans KR"', '채팅')),
      (loaded) => loaded,
    );
    expect(fonts.length).toBeGreaterThan(0);
    const korea = await korean.page.evaluate(async () => {
      await document.fonts.ready;
      return [...document.fonts]
        .filter((face) => face.family.includes('Noto Sans KR') && face.status === 'loaded')
        .map((face) => face.unicodeRange);
    });
    expect(korea.length).toBeGreaterThan(0);
  });

  it('defect 3: toasts cover neither the header’s buttons nor the composer, and bursts group', async () => {
    const [reader, noisy, loud] = [await open(), await open(), await open()];
    await signIn(reader.page, 'reader3');
    await signIn(noisy.page, 'noisy3');
    await signIn(loud.page, 'loud3');
    await createRoom(reader.page, 'Quiet', []);
    await createRoom(noisy.page, 'Noisy', ['reader3']);
    await createRoom(loud.page, 'Loud', ['reader3']);
    await waitForText(reader.page, '[data-test="room-name"]', 'Loud');
    await openRoom(reader.page, 'Quiet');

    for (let i = 1; i <= 3; i++) {
      await send(noisy.page, `noise ${i}`);
      await send(loud.page, `loud ${i}`);
    }
    // Six messages in two rooms: one toast, its badge counting them.
    await waitForText(reader.page, '.q-notification__badge', '6');
    const toasts = reader.page.locator('.q-notification');
    expect(await toasts.filter({ hasText: /(noise|loud) \d/ }).count()).toBe(1);
    for (const toast of await toasts.all()) {
      const shown = await box(toast);
      for (const control of ['search-room', 'room-actions', 'composer', 'send']) {
        const covered = overlaps(shown, await box(reader.page.locator(`[data-test="${control}"]`)));
        expect({ control, covered }).toEqual({ control, covered: false });
      }
    }
  });

  it('defect 3: toasts start right below the header, measured, with a topic and on a phone', async () => {
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      const client = await open({ viewport });
      const { page } = client;
      await signIn(page, `tall${viewport.width}`);
      await createRoom(page, 'Tall header', []);
      // A topic adds a line to the header.
      await page.locator('[data-test="room-actions"]').click();
      await page.locator('[data-test="room-settings"]').click();
      await page
        .locator('[data-test="settings-topic"]')
        .fill('A topic that makes the header taller');
      await page.locator('[data-test="settings-submit"]').click();
      await page.locator('[data-test="settings-submit"]').waitFor({ state: 'detached' });
      await page.locator('[data-test="room-topic"]').waitFor();
      // Muting the room says so in a toast.
      await page.locator('[data-test="room-actions"]').click();
      await page.locator('[data-test="mute"]').click();
      await page.locator('.q-notification').first().waitFor();

      const header = await box(page.locator('.chat-header'));
      const list = await box(page.locator('.q-notifications__list--top.items-center'));
      // Whole pixels, either way (a measured height may be fractional).
      const gap = Math.abs(Math.round(list.y - (header.y + header.height)));
      expect({ viewport, gap }).toEqual({ viewport, gap: 0 });
      await client.context.close();
    }
  });
});
