import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { pollUntil } from './poll';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Git-ignored folder at the repository root. */
export const SCREENSHOT_DIR = path.resolve(here, '../../../../artifacts/screenshots');
/** The pictures the web app's README shows (apps/web/docs). */
export const DOCS_DIR = path.resolve(here, '../../docs');

/**
 * A screenshot of the page's steady state, saved as `<dir>/<name>.png`: in-app notifications
 * gone and Vue's enter/leave transitions (dialogs, menus) over first.
 */
export async function saveScreenshot(page: Page, dir: string, name: string): Promise<void> {
  await page
    .locator('.q-notification')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
  await pollUntil(
    () => page.locator('[class*="-enter-active"], [class*="-leave-active"]').count(),
    (n) => n === 0,
  );
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Headless Chromium; `launch` gives every run a fresh temporary profile. */
export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });

export interface Client {
  context: BrowserContext;
  page: Page;
  /** JavaScript dialogs (alert/confirm/prompt) the page tried to open: must stay empty. */
  dialogs: string[];
  /** Requests to anything but the gateway: must stay empty (no CDN, nothing leaves the host). */
  foreignRequests: string[];
  /** Uncaught page errors. */
  errors: string[];
}

export interface ClientOptions {
  locale?: string;
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
  /** Cookies the context holds before the first page load (e.g. a load-balancer key). */
  cookies?: Parameters<BrowserContext['addCookies']>[0];
}

/** A fresh browser context (its own storage, i.e. its own user) with a page on the app. */
export async function openClient(browser: Browser, baseUrl: string, opts: ClientOptions = {}) {
  const context = await browser.newContext({
    locale: opts.locale ?? 'en-US',
    colorScheme: opts.colorScheme ?? 'light',
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    ...(opts.viewport && opts.viewport.width < 500 ? { isMobile: true, hasTouch: true } : {}),
  });
  context.setDefaultTimeout(15_000);
  if (opts.cookies) await context.addCookies(opts.cookies);
  const client: Client = {
    context,
    page: await context.newPage(),
    dialogs: [],
    foreignRequests: [],
    errors: [],
  };
  const origin = new URL(baseUrl).origin;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:')) return route.continue();
    client.foreignRequests.push(url);
    return route.abort();
  });
  client.page.on('dialog', (dialog) => {
    client.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  client.page.on('pageerror', (err) => client.errors.push(err.message));
  await client.page.goto(baseUrl);
  return client;
}

/** Text of every element matching `selector`, as shown. */
export const textsOf = (page: Page, selector: string): Promise<string[]> =>
  page.locator(selector).allInnerTexts();

/** Waits until some element matching `selector` shows `text`. */
export async function waitForText(page: Page, selector: string, text: string, timeoutMs = 15_000) {
  await pollUntil(
    () => textsOf(page, selector),
    (texts) => texts.some((t) => t.includes(text)),
    { timeoutMs },
  );
}
