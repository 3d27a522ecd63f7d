import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openClient, waitForText, type Client } from './support/browser';
import {
  createRoom,
  invite,
  messageTexts,
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

const ROOM = 'Team 채팅';

describe('chat between people in two browsers', () => {
  let gateway: RunningGateway;
  let browser: Browser;
  let alice: Client;
  let bob: Client;
  let carol: Client;

  beforeAll(async () => {
    gateway = await startGateway();
    browser = await launchBrowser();
    [alice, bob, carol] = await Promise.all([
      openClient(browser, gateway.url),
      openClient(browser, gateway.url),
      openClient(browser, gateway.url),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it('signs each person in with a name', async () => {
    await signIn(alice.page, 'alice');
    await signIn(bob.page, 'Bob');
    await signIn(carol.page, 'carol');
  });

  it('creates a room with a participant and invites a third person', async () => {
    await createRoom(alice.page, ROOM, ['Bob']);
    await waitForText(bob.page, '[data-test="room-name"]', ROOM);

    await invite(alice.page, ['carol']);
    await waitForText(carol.page, '[data-test="room-name"]', ROOM);
    await waitForText(alice.page, '[data-test="system-message"]', 'carol');
  });

  it('exchanges messages both ways', async () => {
    await send(alice.page, 'hello Bob');
    await waitForText(bob.page, '[data-test="room-item"]', 'hello Bob');
    await openRoom(bob.page, ROOM);
    await waitForMessage(bob.page, 'hello Bob');

    await send(bob.page, 'hi alice 👋');
    await waitForMessage(alice.page, 'hi alice 👋');
    expect(await messageTexts(alice.page)).toEqual(['hello Bob', 'hi alice 👋']);
  });

  it('shows who is typing, to the others only', async () => {
    await typeDraft(bob.page, 'I am writing');
    await waitForText(alice.page, '[data-test="typing-indicator"]', 'Bob is typing');
    expect(await bob.page.locator('[data-test="typing-indicator"]').innerText()).toBe('');

    await typeDraft(alice.page, 'me too');
    await waitForText(bob.page, '[data-test="typing-indicator"]', 'alice is typing');
    await bob.page.locator('[data-test="composer"]').press('Enter');
    await waitForMessage(alice.page, 'I am writing');
    await pollUntil(
      () => alice.page.locator('[data-test="typing-indicator"]').innerText(),
      (text) => !text.includes('Bob'),
    );
  });

  it('shows read receipts', async () => {
    await alice.page.locator('[data-test="composer"]').fill('');
    await send(alice.page, 'did you see this?');
    await waitForMessage(bob.page, 'did you see this?');
    await waitForText(alice.page, '[data-test="seen-by"]', 'Bob');
  });

  it('keeps the session and the history across a reload', async () => {
    await bob.page.reload();
    await waitForText(bob.page, '[data-test="me"]', 'Bob');
    await waitForMessage(bob.page, 'did you see this?');
    expect(await messageTexts(bob.page)).toEqual([
      'hello Bob',
      'hi alice 👋',
      'I am writing',
      'did you see this?',
    ]);
  });

  it('shows a banner while offline, then fills the gap without holes or duplicates', async () => {
    await bob.context.setOffline(true);
    await bob.page.locator('[data-test="connection-banner"]').waitFor();
    for (const n of [1, 2, 3]) await send(alice.page, `while you were away ${n}`);
    await send(bob.page, 'sent from the tunnel');
    // Not "not sent": it waits for the reconnect, which sends it.
    await bob.page
      .locator('[data-test="message"]', { hasText: 'sent from the tunnel' })
      .locator('[data-test="pending"]')
      .waitFor();

    await bob.context.setOffline(false);
    await bob.page.locator('[data-test="connection-banner"]').waitFor({ state: 'detached' });
    await waitForMessage(bob.page, 'while you were away 3');
    await waitForMessage(alice.page, 'sent from the tunnel');
    await waitUntilSent(bob.page);
    const expected = [
      'hello Bob',
      'hi alice 👋',
      'I am writing',
      'did you see this?',
      'while you were away 1',
      'while you were away 2',
      'while you were away 3',
      'sent from the tunnel',
    ];
    expect(await messageTexts(bob.page)).toEqual(expected);
    expect(await messageTexts(alice.page)).toEqual(expected);
  });

  it('finds a Korean word inside a longer word and opens the message', async () => {
    await send(alice.page, '채팅방에서 만나요');
    // Enough later messages that the hit is no longer in the loaded page.
    for (let i = 1; i <= 60; i++) await send(alice.page, `filler ${i}`);
    await waitUntilSent(alice.page);
    await waitForMessage(bob.page, 'filler 60');
    await bob.page.reload();
    await waitForMessage(bob.page, 'filler 60');
    expect(await messageTexts(bob.page)).not.toContain('채팅방에서 만나요');

    await bob.page.locator('[data-test="search-all"]').click();
    await searchFor(bob.page, '채팅', '채팅방에서 만나요');
    const hit = bob.page.locator('[data-test="search-hit"]', { hasText: '채팅방에서 만나요' });
    expect(await hit.locator('mark').first().innerText()).toBe('채팅');
    await hit.click();

    const target = bob.page.locator('[data-test="message"]', { hasText: '채팅방에서 만나요' });
    await target.waitFor();
    await pollUntil(() => target.isVisible(), Boolean);
    const box = await target.boundingBox();
    const list = await bob.page.locator('[data-test="message-list"]').boundingBox();
    expect(box && list && box.y >= list.y && box.y + box.height <= list.y + list.height).toBe(true);

    await bob.page.locator('[data-test="jump-latest"]').click();
    await waitForMessage(bob.page, 'filler 60');
  });

  it('pages back through the whole history by scrolling up', async () => {
    const list = bob.page.locator('[data-test="message-list"]');
    const texts = await pollUntil(
      async () => {
        await list.evaluate((el) => el.scrollTo(0, 0));
        return messageTexts(bob.page);
      },
      (t) => t[0] === 'hello Bob',
    );
    const fillers = Array.from({ length: 60 }, (_, i) => `filler ${i + 1}`);
    expect(texts.slice(-61)).toEqual(['채팅방에서 만나요', ...fillers]);
    expect(texts).toHaveLength(8 + 61);
  });

  it('lets a member leave and the owner delete the room', async () => {
    await openRoom(carol.page, ROOM);
    await carol.page.locator('[data-test="room-actions"]').click();
    expect(await carol.page.locator('[data-test="delete"]').count()).toBe(0);
    await carol.page.locator('[data-test="leave"]').click();
    await carol.page.locator('.q-dialog button', { hasText: 'Leave room' }).click();
    await pollUntil(
      () => carol.page.locator('[data-test="room-item"]').count(),
      (n) => n === 0,
    );
    await waitForText(alice.page, '[data-test="system-message"]', 'carol');

    await alice.page.locator('[data-test="room-actions"]').click();
    await alice.page.locator('[data-test="delete"]').click();
    await alice.page.locator('.q-dialog button', { hasText: 'Delete room' }).click();
    await pollUntil(
      () => alice.page.locator('[data-test="room-item"]').count(),
      (n) => n === 0,
    );
    await pollUntil(
      () => bob.page.locator('[data-test="room-item"]').count(),
      (n) => n === 0,
    );
  });

  it('made no request off the machine, opened no dialog, threw no error', () => {
    for (const client of [alice, bob, carol]) {
      expect(client.foreignRequests).toEqual([]);
      expect(client.dialogs).toEqual([]);
      expect(client.errors).toEqual([]);
    }
  });
});
