import { defineConfig } from 'vitest/config';

// End-to-end: a real gateway serving the built app, driven by headless Chromium. One file at a
// time, because each file starts its own gateway and browser.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    globalSetup: ['e2e/support/global-setup.ts'],
  },
});
