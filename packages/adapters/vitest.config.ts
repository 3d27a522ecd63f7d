import { defineConfig } from 'vitest/config';

// Integration tests start their own servers (redis-server, a Redis Cluster, dynalite), so
// files run one after another and hooks get generous timeouts.
export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.integration-spec.ts', 'test/**/*.live-spec.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
