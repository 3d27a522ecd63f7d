import { mkdtempSync, rmSync } from 'node:fs';
import { ChatClient, pollUntil, NO_RATE_LIMITS } from '@chat/test-support';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runGateway, startGateway } from '../support/gateway-process.js';

// Each test starts gateway processes (TypeScript compiled at start): give them room on a busy
// two-core machine. A budget, not a timing assertion.
describe('the gateway process', { timeout: 300_000 }, () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chat-durability-'));
  const baseEnv = {
    DATA_DIR: dataDir,
    WEB_DIST: path.join(dataDir, 'none'),
    ...NO_RATE_LIMITS,
  };

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('loses no acked message when killed with SIGKILL mid-stream, and serves it all after restart', async () => {
    const port = String(await freePort());
    const first = await startGateway({ ...baseEnv, PORT: port });
    const alice = await ChatClient.connect(first.url, 'alice');
    const { room } = await alice.ok('create_room', { name: 'durable', participants: [] });
    const acked: string[] = [];
    const sending = (async () => {
      for (let i = 0; ; i++) {
        const res = await alice.request('send_message', {
          roomId: room.roomId,
          content: `durable ${i}`,
        });
        if (!res.ok) return;
        acked.push(res.data.id);
      }
    })().catch(() => undefined);
    await pollUntil(
      () => acked.length,
      (n) => n >= 200,
      { timeoutMs: 20_000, what: '200 acks' },
    );
    first.child.kill('SIGKILL');
    await first.exited;
    await sending;
    alice.close();

    const second = await startGateway({ ...baseEnv, PORT: port });
    try {
      const again = await ChatClient.connect(second.url, 'alice', alice.token);
      const { rooms } = await again.ok('register', {});
      expect(rooms.map((r) => r.roomId)).toEqual([room.roomId]);
      const stored: string[] = [];
      let after = 0;
      for (;;) {
        const page = await again.ok('get_messages', { roomId: room.roomId, after, limit: 100 });
        stored.push(...page.messages.map((m) => m.id));
        after = page.messages.at(-1)?.seq ?? after;
        if (!page.hasMore) break;
      }
      expect(new Set(stored).size).toBe(stored.length);
      expect(acked.filter((id) => !stored.includes(id))).toEqual([]);
      // The sinks catch up from the log: everything acked becomes searchable, exactly once.
      const searchAll = async () => {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await again.ok('search', {
            query: 'durable',
            limit: 100,
            ...(cursor ? { cursor } : {}),
          });
          ids.push(...page.hits.map((h) => h.message.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return ids;
      };
      const found = await pollUntil(searchAll, (ids) => ids.length >= acked.length, {
        timeoutMs: 15_000,
        what: 'search to catch up',
      });
      expect(new Set(found).size).toBe(found.length);
      expect(acked.filter((id) => !found.includes(id))).toEqual([]);
      again.close();
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });

  it('lists every configuration problem at once and exits with code 2', async () => {
    const gateway = runGateway({
      ...baseEnv,
      PORT: 'not-a-port',
      AUTH_MODE: 'jwt',
      RATE_LIMIT_ROOMS_PER_MIN: '-1',
    });
    expect(await gateway.exited).toBe(2);
    const output = gateway.output();
    expect(output).toContain('PORT');
    expect(output).toContain('JWT_SECRET');
    expect(output).toContain('JWT_ISSUER');
    expect(output).toContain('JWT_AUDIENCE');
    expect(output).toContain('RATE_LIMIT_ROOMS_PER_MIN');
  });

  it('shuts down gracefully on SIGTERM with exit code 0', async () => {
    const gateway = await startGateway({ ...baseEnv, PORT: String(await freePort()) });
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  });
});
