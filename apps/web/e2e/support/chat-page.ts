import type { Page } from 'playwright-core';
import { waitForText } from './browser';
import { pollUntil } from './poll';

/** User-level steps on the chat app, in terms of its labelled controls. */
export async function signIn(page: Page, name: string): Promise<void> {
  await page.locator('[data-test="guest-tab"]').click();
  await page.locator('[data-test="name-input"]').fill(name);
  await page.locator('[data-test="sign-in-submit"]').click();
  await waitForText(page, '[data-test="me"]', name);
}

export async function pickPeople(page: Page, names: string[]): Promise<void> {
  const input = page.locator('[data-test="user-picker"]');
  for (const name of names) {
    await input.fill(name);
    const option = page.locator('[data-test="user-option"]', { hasText: name }).first();
    await option.waitFor();
    await option.click();
    // A choice closes the list (Escape now would close the dialog).
    await page.locator('[data-test="user-option"]').first().waitFor({ state: 'detached' });
  }
}

export async function createRoom(page: Page, name: string, people: string[]): Promise<void> {
  await page.locator('[data-test="new-room"]').click();
  await page.locator('[data-test="room-name-input"]').fill(name);
  await pickPeople(page, people);
  await page.locator('[data-test="create-room-submit"]').click();
  await waitForText(page, '[data-test="room-title"]', name);
}

export async function invite(page: Page, people: string[]): Promise<void> {
  await page.locator('[data-test="room-actions"]').click();
  await page.locator('[data-test="invite"]').click();
  await pickPeople(page, people);
  await page.locator('[data-test="invite-submit"]').click();
  await page.locator('[data-test="invite-submit"]').waitFor({ state: 'detached' });
}

export async function openRoom(page: Page, name: string): Promise<void> {
  const item = page.locator('[data-test="room-item"]', { hasText: name }).first();
  await item.waitFor();
  await item.click();
  await waitForText(page, '[data-test="room-title"]', name);
}

const composer = (page: Page) => page.locator('[data-test="composer"]');

export async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

/** Types into the composer without sending (key by key, as a person would). */
export async function typeDraft(page: Page, text: string): Promise<void> {
  await composer(page).pressSequentially(text, { delay: 30 });
}

export const messageTexts = (page: Page): Promise<string[]> =>
  page.locator('[data-test="message"] .message-text').allInnerTexts();

export async function waitForMessage(page: Page, text: string, timeoutMs = 15_000) {
  await waitForText(page, '[data-test="message"] .message-text', text, timeoutMs);
}

/** Waits until every message the page shows as pending has been acked. */
export async function waitUntilSent(page: Page): Promise<void> {
  await pollUntil(
    () => page.locator('[data-test="pending"]').count(),
    (n) => n === 0,
  );
}

export async function searchFor(page: Page, query: string, expect: string): Promise<void> {
  const input = page.locator('[data-test="search-input"]');
  // The index is updated just after the ack: run the query again until the hit shows.
  await pollUntil(
    async () => {
      await input.fill('');
      await input.fill(query);
      await input.press('Enter');
      return page.locator('[data-test="search-hit"]', { hasText: expect }).count();
    },
    (n) => n > 0,
    { timeoutMs: 20_000, intervalMs: 1_000 },
  );
}
