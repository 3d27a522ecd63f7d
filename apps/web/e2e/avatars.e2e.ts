import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_DIR, saveScreenshot, waitForText, type Client } from './support/browser';
import { createRoom, openRoom, searchFor, send, waitForMessage } from './support/chat-page';
import { pollUntil } from './support/poll';
import { twoPeopleSignedIn, type TwoPeople } from './support/two-people';

const ROOM = 'Book club';

/** A picture drawn by the page itself: an orange square with a light circle. */
const drawPicture = (page: Page): Promise<Buffer> =>
  page
    .evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 120;
      canvas.height = 120;
      const g = canvas.getContext('2d');
      if (!g) throw new Error('no 2d context');
      g.fillStyle = '#e8590c';
      g.fillRect(0, 0, 120, 120);
      g.fillStyle = '#fff3bf';
      g.beginPath();
      g.arc(60, 48, 26, 0, 2 * Math.PI);
      g.fill();
      g.fillRect(22, 86, 76, 34);
      return canvas.toDataURL('image/png');
    })
    .then((url) => Buffer.from(url.split(',')[1] ?? '', 'base64'));

/** Waits until the image has loaded and has pixels. */
const loaded = (image: Locator) =>
  pollUntil(
    () =>
      image
        .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)
        .catch(() => false),
    (ok) => ok,
    { timeoutMs: 15_000, what: 'the picture to load' },
  );

describe('avatars and the profile card between two people', () => {
  let people: TwoPeople;
  let alice: Client;
  let bob: Client;

  beforeAll(async () => {
    people = await twoPeopleSignedIn(['alice', 'bob']);
    ({ alice, bob } = people);
    await createRoom(alice.page, ROOM, ['bob']);
    await send(alice.page, 'Who has read chapter three?');
    await openRoom(bob.page, ROOM);
    await waitForMessage(bob.page, 'Who has read chapter three?');
  });

  afterAll(() => people?.stop());

  it('sets a picture in the account dialog, with a preview, that the other person sees live', async () => {
    const { page } = alice;
    const group = bob.page.locator('[data-test="message-group"]').first();
    expect(await group.locator('[data-test="avatar-image"]').count()).toBe(0);

    await page.locator('[data-test="account-menu"]').click();
    await page.locator('[data-test="open-account"]').click();
    await page.locator('[data-test="avatar-choose"]').waitFor();
    await page.locator('[data-test="avatar-input"]').setInputFiles({
      name: 'me.png',
      mimeType: 'image/png',
      buffer: await drawPicture(page),
    });
    const preview = page.locator('[data-test="avatar-preview"] [data-test="avatar-image"]');
    await loaded(preview);
    expect(await preview.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await page.locator('[data-test="avatar-save"]').click();
    await waitForText(page, '[data-test="avatar-picker"] [role="status"]', 'Picture saved.');
    // The preview now shows the stored picture, through its signed link.
    await pollUntil(
      () => preview.getAttribute('src'),
      (src) => src?.includes('/chat/avatars/') ?? false,
    );
    await page.keyboard.press('Escape');
    await page.locator('[data-test="account-dialog"]').waitFor({ state: 'detached' });

    // bob's open room shows it beside alice's messages without a reload.
    const image = group.locator('[data-test="avatar-image"]');
    await loaded(image);
    expect(await image.getAttribute('alt')).toBe('');
    expect(await image.getAttribute('src')).toContain('/chat/avatars/');
  });

  it('opens the profile card from a name with the keyboard and from the member list', async () => {
    const { page } = bob;
    const link = page
      .locator('[data-test="message-group"] [data-test="profile-name-link"]')
      .first();
    await link.focus();
    await page.keyboard.press('Enter');
    const card = page.locator('[data-test="profile-card"]');
    await card.waitFor();
    expect(await card.locator('[data-test="profile-card-name"]').innerText()).toBe('alice');
    expect(await card.locator('[data-test="profile-card-id"]').innerText()).toContain('alice');
    expect(await card.locator('[data-test="profile-card-presence"]').innerText()).toContain(
      'Online',
    );
    await loaded(card.locator('[data-test="avatar-image"]'));
    expect(await card.locator('[data-test="profile-card-message"]').isVisible()).toBe(true);
    await saveScreenshot(page, DOCS_DIR, 'profile-card');
    await page.keyboard.press('Escape');
    await card.waitFor({ state: 'detached' });

    // One's own card has no "Message".
    await page.locator('[data-test="members-button"]').click();
    await page
      .locator('[data-test="member"]', { hasText: 'bob' })
      .locator('[data-test="profile-name-link"]')
      .click();
    await card.waitFor();
    expect(await card.locator('[data-test="profile-card-name"]').innerText()).toBe('bob');
    expect(await card.locator('[data-test="profile-card-message"]').count()).toBe(0);
    await page.keyboard.press('Escape');
    await card.waitFor({ state: 'detached' });
    await page.keyboard.press('Escape');
    await page.locator('[data-test="member"]').first().waitFor({ state: 'detached' });
  });

  it('opens the card from a search hit without opening the hit', async () => {
    const { page } = bob;
    await page.locator('[data-test="search-room"]').click();
    await searchFor(page, 'chapter', 'chapter three');
    await page.locator('[data-test="search-hit"] [data-test="profile-name-link"]').first().click();
    const card = page.locator('[data-test="profile-card"]');
    await card.waitFor();
    expect(await card.locator('[data-test="profile-card-name"]').innerText()).toBe('alice');
    // The hit did not open: the search is still there under the card.
    expect(await page.locator('[data-test="search-hit"]').count()).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    await card.waitFor({ state: 'detached' });
    await page.keyboard.press('Escape');
    await page.locator('[data-test="search-input"]').waitFor({ state: 'detached' });
  });

  it('opens the direct conversation from the card of the name that was clicked', async () => {
    const { page } = bob;
    await page.locator('[data-test="message-group"] [data-test="profile-avatar"]').first().click();
    const card = page.locator('[data-test="profile-card"]');
    await card.waitFor();
    await card.locator('[data-test="profile-card-message"]').click();
    await waitForText(page, '[data-test="room-title"]', 'alice');
    expect(await page.locator('[data-test="room-title"]').innerText()).toBe('alice');
    await page
      .locator('[data-test="direct-list"] [data-test="room-item"]', { hasText: 'alice' })
      .waitFor();
    // The direct room's header shows alice's picture too.
    await loaded(page.locator('.q-toolbar [data-test="avatar-image"]').first());
  });

  it('shows initials again once the picture is removed', async () => {
    const { page } = alice;
    await page.locator('[data-test="account-menu"]').click();
    await page.locator('[data-test="open-account"]').click();
    await page.locator('[data-test="avatar-remove"]').click();
    await waitForText(page, '[data-test="avatar-picker"] [role="status"]', 'Picture removed');
    await page.keyboard.press('Escape');
    await page.locator('[data-test="account-dialog"]').waitFor({ state: 'detached' });
    await openRoom(bob.page, ROOM);
    await pollUntil(
      () => bob.page.locator('[data-test="message-group"] [data-test="avatar-image"]').count(),
      (n) => n === 0,
    );
  });

  it('raised no page errors or dialogs', () => {
    for (const c of [alice, bob]) {
      expect(c.errors).toEqual([]);
      expect(c.dialogs).toEqual([]);
    }
  });
});
