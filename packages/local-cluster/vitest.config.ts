import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.integration-spec.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each file runs a whole cluster; two at once would starve a two-core machine.
    fileParallelism: false,
  },
});
