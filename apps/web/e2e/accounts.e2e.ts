import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openClient, waitForText, type Client } from './support/browser';
import { createRoom, openRoom, send, signIn, waitForMessage } from './support/chat-page';
import { startGateway, type RunningGateway } from './support/gateway';
import { pollUntil } from './support/poll';

const PASSWORD = 'a long enough secret';
const ROOM = 'Book club';

/** Signs up (or in, `create: false`) with a name and password on the sign-in page. */
async function withPassword(
  client: Client,
  name: string,
  create: boolean,
  shown = name,
): Promise<void> {
  const { page } = client;
  await page.locator('[data-test="account-tab"]').click();
  await page.locator('[data-test="account-name-input"]').fill(name);
  await page.locator('[data-test="password-input"]').fill(PASSWORD);
  await page
    .locator(create ? '[data-test="sign-up-submit"]' : '[data-test="password-sign-in"]')
    .click();
  await waitForText(page, '[data-test="me"]', shown);
}

async function signOut(client: Client): Promise<void> {
  await client.page.locator('[data-test="account-menu"]').click();
  await client.page.locator('[data-test="sign-out"]').click();
  await client.page.locator('[data-test="account-name-input"]').waitFor();
}

describe('an account that lasts: sign up, sign out, sign in elsewhere', () => {
  let gateway: RunningGateway;
  let browser: Browser;
  let laptop: Client;
  let friend: Client;
  let phone: Client;

  beforeAll(async () => {
    gateway = await startGateway();
    browser = await launchBrowser();
    [laptop, friend] = await Promise.all([
      openClient(browser, gateway.url),
      openClient(browser, gateway.url),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it('signs up with a password and chats in a room', async () => {
    await signIn(friend.page, 'Mina');
    await withPassword(laptop, 'Theo', true);
    await createRoom(laptop.page, ROOM, ['Mina']);
    await send(laptop.page, 'chapter one tonight?');
    await waitForText(friend.page, '[data-test="room-item"]', ROOM);
  });

  it('signs out on the server: the old token is refused', async () => {
    const token = await laptop.page.evaluate(
      () => (JSON.parse(localStorage.getItem('chat.session') ?? '{}') as { token?: string }).token,
    );
    expect(token).toBeTruthy();
    await signOut(laptop);
    const status = await pollUntil(
      () =>
        fetch(`${gateway.url}/chat/rooms`, { headers: { authorization: `Bearer ${token}` } }).then(
          (r) => r.status,
        ),
      (s) => s === 401,
      { timeoutMs: 15_000 },
    );
    expect(status).toBe(401);
  });

  it('signs in from another browser with the password and finds the same rooms', async () => {
    phone = await openClient(browser, gateway.url, { viewport: { width: 1024, height: 768 } });
    await withPassword(phone, 'Theo', false);
    await openRoom(phone.page, ROOM);
    await waitForMessage(phone.page, 'chapter one tonight?');
    // And back in the first browser too, with the same name: not "already taken".
    await withPassword(laptop, 'theo', false, 'Theo');
    await waitForText(laptop.page, '[data-test="room-item"]', ROOM);
  });

  it('lists both sessions and signs the other browser out from here', async () => {
    await phone.page.locator('[data-test="account-menu"]').click();
    await phone.page.locator('[data-test="open-account"]').click();
    const sessions = phone.page.locator('[data-test="session-item"]');
    await pollUntil(
      () => sessions.count(),
      (n) => n === 2,
      { timeoutMs: 15_000 },
    );
    await phone.page.locator('[data-test="session-revoke"]').click();
    // The laptop's socket is closed by the server and its token refused: back to sign-in.
    await laptop.page.locator('[data-test="account-name-input"]').waitFor();
    await pollUntil(
      () => sessions.count(),
      (n) => n === 1,
      { timeoutMs: 15_000 },
    );
  });

  it('changes the display name, and the roommate sees it', async () => {
    await phone.page.locator('[data-test="display-name-input"]').fill('Theo the Reader');
    await phone.page.locator('[data-test="display-name-save"]').click();
    await waitForText(phone.page, '[data-test="me"]', 'Theo the Reader');
    await openRoom(friend.page, ROOM);
    await waitForText(friend.page, '[data-test="sender"]', 'Theo the Reader');
    for (const client of [laptop, friend, phone]) {
      expect(client.errors).toEqual([]);
      expect(client.dialogs).toEqual([]);
    }
  });
});
