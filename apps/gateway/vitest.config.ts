import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.integration-spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file starts its own servers; two cores are not enough to run many at once.
    maxWorkers: 2,
  },
});
