import { pollUntil } from '@chat/test-support';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, ManagedProcess, waitFor } from '../../src/index.js';
import { findOnPath } from '../../src/requirements.js';
import { descendants, isAlive, killAll, processesMentioning } from '../support/processes.js';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `pnpm start:cluster`'s own process (what `exec node --import tsx src/main.ts` runs). */
async function startOrchestrator(dataDir: string, env: Record<string, string> = {}) {
  return ManagedProcess.start(
    'start:cluster',
    process.execPath,
    ['--import', 'tsx', 'src/main.ts'],
    {
      PORT: String(await freePort()),
      GATEWAY_PORTS: `${await freePort()},${await freePort()}`,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...env,
    },
    PACKAGE_DIR,
  );
}

describe('pnpm start:cluster', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'chat-orchestrator-'));
  /** Every process a test saw, killed at the end should a test fail and leave one behind. */
  const seen = new Set<number>();
  afterAll(() => {
    killAll([...seen, ...processesMentioning(work)]);
    rmSync(work, { recursive: true, force: true });
  });

  it('leaves no child running when the orchestrator is killed with SIGKILL', async () => {
    const dataDir = path.join(work, 'killed');
    const orchestrator = await startOrchestrator(dataDir);
    await waitFor(
      () => {
        orchestrator.assertRunning();
        return Promise.resolve(/^ready$/m.test(orchestrator.logs()));
      },
      { what: 'ready', timeoutMs: 180_000 },
    );
    const children = descendants(orchestrator.pid ?? 0);
    for (const pid of children) seen.add(pid);
    // redis-server, dynalite, two gateways, a sink worker, nginx and its workers.
    expect(children.length).toBeGreaterThanOrEqual(6);
    expect(processesMentioning(dataDir).length).toBeGreaterThanOrEqual(5);

    // The orchestrator alone, not its process group: it must clean up however it dies.
    process.kill(orchestrator.pid ?? 0, 'SIGKILL');
    await orchestrator.exited;

    await pollUntil(
      () => children.filter(isAlive),
      (alive) => alive.length === 0,
      { timeoutMs: 60_000, what: 'every child of the killed orchestrator to exit' },
    );
    expect(processesMentioning(dataDir)).toEqual([]);
  });

  it('without nginx on PATH, prints one line naming the package and exits non-zero, starting nothing', async () => {
    const dataDir = path.join(work, 'no-nginx');
    const bin = path.join(work, 'bin-without-nginx');
    mkdirSync(bin, { recursive: true });
    // Everything else it needs stays reachable, so nginx is the only thing missing.
    for (const name of ['redis-server', 'redis-cli', 'setpriv']) {
      const found = findOnPath(name);
      if (found) symlinkSync(found, path.join(bin, name));
    }
    expect(findOnPath('nginx', bin)).toBeUndefined();

    const orchestrator = await startOrchestrator(dataDir, { PATH: bin });
    const code = await orchestrator.exited;
    for (const pid of processesMentioning(dataDir)) seen.add(pid);

    expect(code).not.toBe(0);
    const lines = orchestrator.logs().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/nginx/);
    expect(lines[0]).toMatch(/apt-get install nginx/);
    expect(processesMentioning(dataDir)).toEqual([]);
  });
});
