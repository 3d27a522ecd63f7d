import type { Ack } from '@chat/contracts';
import { ChatClient } from '@chat/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SEARCHES_PER_SEC = 5;
/** Ten distinct terms over a page of 100 hits: the costliest search the contract allows. */
const EXPENSIVE = { query: 'ta tb tc td te tf tg th ti tj', limit: 100 };
const CHEAP = { query: 'hello' };

const codes = (acks: Ack<unknown>[]) => acks.map((a) => (a.ok ? 'OK' : a.error.code));

describe('search query caps and cost-based rate limiting (embedded mode)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ RATE_LIMIT_SEARCHES_PER_SEC: String(SEARCHES_PER_SEC) });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const rest = async (client: ChatClient, params: Record<string, string>) => {
    const res = await fetch(`${app.url}/chat/search?${new URLSearchParams(params).toString()}`, {
      headers: { authorization: `Bearer ${client.token}` },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('refuses too many terms or too long a query with BAD_REQUEST, on the socket and REST', async () => {
    const sut = await ChatClient.connect(app.url, 'caps');
    try {
      const eleven = 'ta tb tc td te tf tg th ti tj tk';
      const tooMany = await sut.request('search', { query: eleven });
      expect(tooMany).toEqual({
        ok: false,
        error: { code: 'BAD_REQUEST', message: 'query: query has more than 10 terms' },
      });
      const tooLong = await sut.request('search', { query: '가'.repeat(201) });
      expect(tooLong.ok === false && tooLong.error.code).toBe('BAD_REQUEST');

      expect(await rest(sut, { q: eleven })).toEqual({
        status: 400,
        body: { code: 'BAD_REQUEST', message: 'query: query has more than 10 terms' },
      });
      expect((await rest(sut, { q: '가'.repeat(201) })).status).toBe(400);

      // Ten terms, or a long Korean phrase written without spaces, are searched.
      expect((await sut.request('search', { query: EXPENSIVE.query })).ok).toBe(true);
      expect((await rest(sut, { q: '채팅방에서나온이야기'.repeat(20) })).status).toBe(200);
    } finally {
      sut.close();
    }
  });

  it('charges a search by its terms and hits, so expensive ones are refused sooner', async () => {
    const spender = await ChatClient.connect(app.url, 'spender');
    const thrifty = await ChatClient.connect(app.url, 'thrifty');
    try {
      // The whole per-second budget, five cheap searches at once, all pass.
      const cheap = await Promise.all(
        Array.from({ length: SEARCHES_PER_SEC }, () => thrifty.request('search', CHEAP)),
      );
      expect(codes(cheap)).toEqual(Array(SEARCHES_PER_SEC).fill('OK'));

      // An expensive search takes the whole budget: of three at once, one passes per window.
      const startedAt = Date.now();
      const expensive = await Promise.all(
        Array.from({ length: 3 }, () => spender.request('search', EXPENSIVE)),
      );
      const windows = Math.floor((Date.now() - startedAt) / 1000) + 1;
      const accepted = codes(expensive).filter((c) => c === 'OK').length;
      expect(accepted).toBeGreaterThan(0);
      expect(accepted).toBeLessThanOrEqual(windows);
      expect(codes(expensive)).toContain('RATE_LIMITED');
    } finally {
      spender.close();
      thrifty.close();
    }
  });

  it('charges REST searches the same way', async () => {
    const sut = await ChatClient.connect(app.url, 'rest-spender');
    try {
      const params = { q: EXPENSIVE.query, limit: String(EXPENSIVE.limit) };
      const startedAt = Date.now();
      const answers = await Promise.all(Array.from({ length: 3 }, () => rest(sut, params)));
      const windows = Math.floor((Date.now() - startedAt) / 1000) + 1;
      const accepted = answers.filter((a) => a.status === 200).length;
      expect(accepted).toBeGreaterThan(0);
      expect(accepted).toBeLessThanOrEqual(windows);
      expect(answers.map((a) => a.body['code'])).toContain('RATE_LIMITED');
    } finally {
      sut.close();
    }
  });
});
