import { readFile } from 'node:fs/promises';
import { DEFAULT_ATTACHMENT_MAX_BYTES } from '@chat/contracts';
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
  openRoom,
  send,
  signIn,
  waitForMessage,
  waitUntilSent,
} from './support/chat-page';
import { startGateway, type RunningGateway } from './support/gateway';
import { pollUntil } from './support/poll';

const ROOM = 'Files 파일';
const LINK_TTL_SECONDS = 10;
const IMAGE = { name: 'harbour.png', width: 480, height: 320 };

/** A small but real PDF: `%PDF` is what the server sniffs. */
const PDF = Buffer.from(
  [
    '%PDF-1.4',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >> endobj',
    'trailer << /Root 1 0 R >>',
    '%%EOF',
    '',
  ].join('\n'),
);

/** States the pending chip went through, recorded in the page as `status:percent`. */
async function recordUploadStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { uploadStates: string[] }).uploadStates = seen;
    const note = () => {
      for (const chip of document.querySelectorAll('[data-test="upload-chip"]')) {
        const state = `${chip.getAttribute('data-status')}:${chip.getAttribute('data-progress')}`;
        if (seen.at(-1) !== state) seen.push(state);
      }
    };
    new MutationObserver(note).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
    });
  });
}

const uploadStates = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as { uploadStates: string[] }).uploadStates);

/** Draws a picture on a canvas and pastes it into the composer, as a copied screenshot. */
async function pasteImage(page: Page): Promise<void> {
  await page.locator('[data-test="composer"]').focus();
  await page.evaluate(async ({ name, width, height }) => {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    const sky = ctx.createLinearGradient(0, 0, 0, height);
    sky.addColorStop(0, '#ff9a3c');
    sky.addColorStop(1, '#2b5876');
    ctx.fillStyle = sky;
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#ffe08a';
    ctx.beginPath();
    ctx.arc(width * 0.7, height * 0.45, 48, 0, Math.PI * 2);
    ctx.fill();
    // Noise, so the file is large enough for its progress to be seen.
    const noise = ctx.getImageData(0, height * 0.6, width, height * 0.4);
    for (let i = 0; i < noise.data.length; i += 4) {
      const v = (Math.random() * 80) | 0;
      noise.data[i] = 20 + v;
      noise.data[i + 1] = 60 + v;
      noise.data[i + 2] = 110 + v;
    }
    ctx.putImageData(noise, 0, height * 0.6);
    const blob = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no blob'))), 'image/png'),
    );
    const data = new DataTransfer();
    data.items.add(new File([blob], name, { type: 'image/png' }));
    const target = document.querySelector('[data-test="composer"]') ?? document.body;
    target.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, IMAGE);
}

/** A picture of the steady state, for the README. */
const shot = (page: Page, name: string) => saveScreenshot(page, DOCS_DIR, name);

/** `expect.poll` with the tests' patience (its own default is one second). */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000 });

const chip = (page: Page) => page.locator('[data-test="upload-chip"]');

describe('attachments between two people in the browser', () => {
  let gateway: RunningGateway;
  let browser: Browser;
  let alice: Client;
  let bob: Client;

  beforeAll(async () => {
    // Links live 10 s (the least allowed), so the test sees them expire.
    gateway = await startGateway({ ATTACHMENT_LINK_TTL_SECONDS: String(LINK_TTL_SECONDS) });
    browser = await launchBrowser();
    [alice, bob] = await Promise.all([
      openClient(browser, gateway.url),
      openClient(browser, gateway.url),
    ]);
    await signIn(alice.page, 'alice');
    await signIn(bob.page, 'bob');
    await createRoom(alice.page, ROOM, ['bob']);
    await send(alice.page, 'sending you the photo');
    await openRoom(bob.page, ROOM);
    await waitForMessage(bob.page, 'sending you the photo');
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it('uploads a pasted image with a progress chip, and sends it without text', async () => {
    await recordUploadStates(alice.page);
    // A slow uplink, so the upload is seen under way.
    const cdp = await alice.context.newCDPSession(alice.page);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 200 * 1024,
    });

    await pasteImage(alice.page);
    await chip(alice.page).waitFor();
    await eventually(() => chip(alice.page).getAttribute('data-status')).toBe('done');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });

    const states = await uploadStates(alice.page);
    expect(states[0]).toBe('uploading:0');
    expect(states.at(-1)).toBe('done:100');
    expect(states.some((s) => /^uploading:([1-9]\d?)$/.test(s))).toBe(true);
    await eventually(() => chip(alice.page).innerText()).toContain(IMAGE.name);
    await shot(alice.page, 'attachments-upload');

    await alice.page.locator('[data-test="send"]').click();
    await chip(alice.page).waitFor({ state: 'detached' });
    await alice.page.locator('[data-test="attachment-thumbnail"]').waitFor();
    await waitUntilSent(alice.page);
    await shot(alice.page, 'attachments-sent');
  });

  it('shows the other person a thumbnail in a reserved box, which opens full size', async () => {
    const image = bob.page.locator('[data-test="attachment-image"]');
    await image.waitFor();
    // 480×320 fitted into 280×220, reserved before the picture loads.
    expect(await image.evaluate((el) => [el.clientWidth, el.clientHeight])).toEqual([280, 187]);
    const thumb = bob.page.locator('[data-test="attachment-thumbnail"]');
    await pollUntil(
      () => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
      (width) => typeof width === 'number' && width > 0,
    );
    await shot(bob.page, 'attachments-image');

    await image.click();
    const full = bob.page.locator('[data-test="lightbox-image"]');
    await full.waitFor();
    const natural = await pollUntil(
      () => full.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)),
      (width) => width > 0,
    );
    expect(natural).toBe(IMAGE.width);
    await shot(bob.page, 'attachments-lightbox');
    await bob.page.locator('[data-test="lightbox-close"]').click();
    await full.waitFor({ state: 'detached' });
  });

  it('sends a PDF as a chip that the other person downloads byte for byte', async () => {
    await alice.page.locator('[data-test="file-input"]').setInputFiles({
      name: 'minutes.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await eventually(() => chip(alice.page).getAttribute('data-status')).toBe('done');
    await send(alice.page, 'and the minutes');

    await waitForMessage(bob.page, 'and the minutes');
    const file = bob.page.locator('[data-test="attachment-file"]', { hasText: 'minutes.pdf' });
    await file.waitFor();
    await eventually(() => file.getAttribute('href')).toContain('/content?');
    expect(await file.innerText()).toContain('minutes.pdf');
    await shot(bob.page, 'attachments-file');

    const [download] = await Promise.all([bob.page.waitForEvent('download'), file.click()]);
    expect(download.suggestedFilename()).toBe('minutes.pdf');
    const bytes = await readFile(await download.path());
    expect(bytes.equals(PDF)).toBe(true);
  });

  it('attaches a file dropped onto the chat', async () => {
    const list = alice.page.locator('[data-test="message-list"]');
    const data = await alice.page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['shopping list\n- milk\n'], 'list.txt', { type: 'text/plain' }));
      return transfer;
    });
    await list.dispatchEvent('dragenter', { dataTransfer: data });
    await list.dispatchEvent('dragover', { dataTransfer: data });
    await alice.page.locator('[data-test="drop-overlay"]').waitFor();
    await list.dispatchEvent('drop', { dataTransfer: data });
    await alice.page.locator('[data-test="drop-overlay"]').waitFor({ state: 'detached' });
    await eventually(() => chip(alice.page).getAttribute('data-status')).toBe('done');
    await send(alice.page, 'the list');

    await waitForMessage(bob.page, 'the list');
    await bob.page.locator('[data-test="attachment-file"]', { hasText: 'list.txt' }).waitFor();
  });

  it('fetches fresh links once the old ones expired, for a download and the full image', async () => {
    const file = bob.page.locator('[data-test="attachment-file"]', { hasText: 'minutes.pdf' });
    const oldHref = (await file.getAttribute('href')) ?? '';
    const exp = Number(new URL(oldHref).searchParams.get('exp'));
    await pollUntil(
      () => Date.now() / 1000,
      (now) => now > exp + 1,
      { timeoutMs: (LINK_TTL_SECONDS + 5) * 1000, intervalMs: 250 },
    );
    expect((await bob.page.request.get(oldHref)).status()).toBe(403);

    const [download] = await Promise.all([bob.page.waitForEvent('download'), file.click()]);
    expect((await readFile(await download.path())).equals(PDF)).toBe(true);
    expect(await file.getAttribute('href')).not.toBe(oldHref);

    await bob.page.locator('[data-test="attachment-image"]').click();
    const full = bob.page.locator('[data-test="lightbox-image"]');
    const natural = await pollUntil(
      () => full.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)),
      (width) => width > 0,
    );
    expect(natural).toBe(IMAGE.width);
    await bob.page.locator('[data-test="lightbox-close"]').click();
    await full.waitFor({ state: 'detached' });
  });

  it('cancels an upload under way with its ✕', async () => {
    const cdp = await alice.context.newCDPSession(alice.page);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 64 * 1024,
    });
    const aborted: string[] = [];
    alice.page.on('requestfailed', (request) => {
      if (request.url().includes('/attachments?name=big.bin')) {
        aborted.push(request.failure()?.errorText ?? '');
      }
    });
    await alice.page.locator('[data-test="file-input"]').setInputFiles({
      name: 'big.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.alloc(2 * 1024 * 1024, 0xff),
    });
    const big = chip(alice.page).filter({ hasText: 'big.bin' });
    await pollUntil(
      async () =>
        [
          await big.getAttribute('data-status'),
          Number(await big.getAttribute('data-progress')),
        ] as const,
      ([status, percent]) => status === 'uploading' && percent > 0,
    );

    await big.locator('[data-test="upload-remove"]').click();
    await big.waitFor({ state: 'detached' });
    await pollUntil(
      () => aborted,
      (errors) => errors.length === 1,
    );
    expect(aborted[0]).toContain('ABORTED');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
  });

  it('refuses a file over the limit before uploading it, and says so', async () => {
    await alice.page.locator('[data-test="file-input"]').setInputFiles({
      name: 'huge.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.alloc(DEFAULT_ATTACHMENT_MAX_BYTES + 1),
    });
    const refused = chip(alice.page).filter({ hasText: 'huge.bin' });
    await eventually(() => refused.getAttribute('data-status')).toBe('failed');
    await waitForText(alice.page, '[data-test="upload-chip"] [role="alert"]', 'larger than 10 MB');
    await refused.locator('[data-test="upload-remove"]').click();
    await refused.waitFor({ state: 'detached' });
  });

  it('shows the server refusing a file whose bytes contradict its name', async () => {
    await alice.page.locator('[data-test="file-input"]').setInputFiles({
      name: 'cat.png',
      mimeType: 'image/png',
      buffer: Buffer.from('<html><script>alert(1)</script></html>'),
    });
    const refused = chip(alice.page).filter({ hasText: 'cat.png' });
    await eventually(() => refused.getAttribute('data-status')).toBe('failed');
    expect(await refused.locator('[role="alert"]').innerText()).toContain('was refused');
    await refused.locator('[data-test="upload-remove"]').click();

    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
    expect(alice.dialogs).toEqual([]);
  });

  it('fits a phone screen in the dark theme without scrolling sideways', async () => {
    // Bob again, on a phone: the same session, in a new window of phone size.
    const phone = await browser.newContext({
      storageState: await bob.context.storageState(),
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      colorScheme: 'dark',
    });
    const page = await phone.newPage();
    await page.goto(gateway.url);
    // The room open on the laptop opens again here.
    await waitForText(page, '[data-test="room-title"]', ROOM);
    await page.locator('[data-test="attachment-file"]', { hasText: 'list.txt' }).waitFor();
    const image = page.locator('[data-test="attachment-image"]');
    await image.scrollIntoViewIfNeeded();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
    const box = await image.boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
    await shot(page, 'attachments-phone-dark');
    await phone.close();
  });
});
