import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';

export interface TestApp extends RunningApp {
  dataDir: string;
  /** Stops the app and removes its data folder. */
  destroy(): Promise<void>;
}

/** Starts the real gateway in embedded mode on a free port with a fresh data folder. */
export async function startTestApp(
  env: Record<string, string> = {},
  dataDir?: string,
): Promise<TestApp> {
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), 'chat-gateway-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    WEB_DIST: path.join(dir, 'no-web-build'),
    ...env,
  });
  const app = await startApp(config);
  return {
    ...app,
    dataDir: dir,
    async destroy() {
      await app.close();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
