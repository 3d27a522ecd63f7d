import { NO_RATE_LIMITS } from '@chat/test-support';
import { runMessageLifecycle } from '@chat/test-support/scenarios';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Edit, delete, react, reply, mention and direct rooms in embedded mode: one gateway with its
 * in-process sinks on SQLite, two people on it, and a restart on the same data folder.
 */
describe('a message’s whole life, embedded', { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chat-lifecycle-'));
  let app: TestApp | undefined;

  afterAll(async () => {
    await app?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('edits, deletes, reacts, replies, mentions and opens direct rooms, through a restart', async () => {
    app = await startTestApp(NO_RATE_LIMITS, dataDir);
    const port = new URL(app.url).port;
    await runMessageLifecycle({
      urls: () => [app?.url ?? '', app?.url ?? ''],
      restart: async () => {
        await app?.close();
        app = await startTestApp({ ...NO_RATE_LIMITS, PORT: port }, dataDir);
      },
    });
  });
});
