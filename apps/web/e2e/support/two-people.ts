import type { Browser } from 'playwright-core';
import { launchBrowser, openClient, type Client } from './browser';
import { signIn } from './chat-page';
import { startGateway, type RunningGateway } from './gateway';

/** A gateway, a browser, and two people signed in to it, each in a page of their own. */
export interface TwoPeople {
  gateway: RunningGateway;
  browser: Browser;
  alice: Client;
  bob: Client;
  /** Closes the browser and stops the gateway. */
  stop: () => Promise<void>;
}

/** Signs in as `names` (the first is `alice`, the second `bob`). */
export async function twoPeopleSignedIn(names: [string, string]): Promise<TwoPeople> {
  const gateway = await startGateway();
  const browser = await launchBrowser();
  const stop = async () => {
    await browser.close();
    await gateway.stop();
  };
  try {
    const [alice, bob] = await Promise.all([
      openClient(browser, gateway.url),
      openClient(browser, gateway.url),
    ]);
    await signIn(alice.page, names[0]);
    await signIn(bob.page, names[1]);
    return { gateway, browser, alice, bob, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
