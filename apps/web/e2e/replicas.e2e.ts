import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openClient, waitForText, type Client } from './support/browser';
import {
  createRoom,
  messageTexts,
  openRoom,
  send,
  signIn,
  typeDraft,
  waitForMessage,
} from './support/chat-page';
import {
  LB_COOKIE,
  connectionCounts,
  cookieValuePerReplica,
  startWebCluster,
  waitForConnections,
  type RunningCluster,
} from './support/cluster';
import { pollUntil } from './support/poll';

const ROOM = 'across replicas';

/**
 * Two people whose browsers nginx routes to different gateway replicas (redis-server, dynalite,
 * a sink worker and nginx in front, as in the scaled deployment) chat with each other.
 */
describe('chat between people on two gateway replicas behind nginx', () => {
  let c: RunningCluster;
  let browser: Browser;
  let alice: Client;
  let bob: Client;
  /** The `chat_lb` cookie each person's browser holds, and the replica port it routes to. */
  const placement = { alice: { port: 0, cookie: '' }, bob: { port: 0, cookie: '' } };

  beforeAll(async () => {
    c = await startWebCluster(2);
    const [portA, portB] = c.replicaPorts as [number, number];
    const cookies = await cookieValuePerReplica(c);
    placement.alice = { port: portA, cookie: cookies.get(portA) ?? '' };
    placement.bob = { port: portB, cookie: cookies.get(portB) ?? '' };
    browser = await launchBrowser();
    const lbCookie = (value: string) => [{ name: LB_COOKIE, value, url: `${c.url}/chat/` }];
    [alice, bob] = await Promise.all([
      openClient(browser, c.url, { cookies: lbCookie(placement.alice.cookie) }),
      openClient(browser, c.url, { cookies: lbCookie(placement.bob.cookie) }),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await c?.stop();
  });

  it('routes each browser to its own replica', async () => {
    expect(placement.alice.port).not.toBe(placement.bob.port);
    expect(placement.alice.cookie).not.toBe(placement.bob.cookie);
    // Nobody is connected until someone signs in (the probe connections are closed).
    expect(await connectionCounts(c)).toEqual([0, 0]);

    // One at a time, so each replica's gauge names whose connection it holds.
    await signIn(alice.page, 'alice');
    await waitForConnections(c, [1, 0]);
    await signIn(bob.page, 'bob');
    await waitForConnections(c, [1, 1]);
  });

  it('creates a room with a person on the other replica', async () => {
    await createRoom(alice.page, ROOM, ['bob']);
    await waitForText(bob.page, '[data-test="room-name"]', ROOM);
  });

  it('exchanges messages both ways across replicas', async () => {
    await send(alice.page, 'hello from replica A');
    await waitForText(bob.page, '[data-test="room-item"]', 'hello from replica A');
    await openRoom(bob.page, ROOM);
    await waitForMessage(bob.page, 'hello from replica A');

    await send(bob.page, 'hi from replica B');
    await waitForMessage(alice.page, 'hi from replica B');
    const expected = ['hello from replica A', 'hi from replica B'];
    expect(await messageTexts(alice.page)).toEqual(expected);
    expect(await messageTexts(bob.page)).toEqual(expected);
  });

  it('shows alice typing to bob on the other replica', async () => {
    await typeDraft(alice.page, 'still writing');
    await waitForText(bob.page, '[data-test="typing-indicator"]', 'alice is typing');
    expect(await alice.page.locator('[data-test="typing-indicator"]').innerText()).toBe('');

    await alice.page.locator('[data-test="composer"]').press('Enter');
    await waitForMessage(bob.page, 'still writing');
    await pollUntil(
      () => bob.page.locator('[data-test="typing-indicator"]').innerText(),
      (text) => !text.includes('alice'),
    );
  });

  it('kept each person on their own replica throughout', async () => {
    // Still exactly one connection per replica: nobody reconnected elsewhere.
    expect(await connectionCounts(c)).toEqual([1, 1]);
    for (const [client, { cookie }] of [
      [alice, placement.alice],
      [bob, placement.bob],
    ] as const) {
      const held = await client.context.cookies(`${c.url}/chat/`);
      expect(held.filter((k) => k.name === LB_COOKIE).map((k) => k.value)).toEqual([cookie]);
    }
  });

  it('made no request off the machine, opened no dialog, threw no error', () => {
    for (const client of [alice, bob]) {
      expect(client.foreignRequests).toEqual([]);
      expect(client.dialogs).toEqual([]);
      expect(client.errors).toEqual([]);
    }
  });
});
