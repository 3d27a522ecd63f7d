import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts', 'test/**/*.integration-spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Several files start servers (nginx, redis-server, a gateway, pnpm deploy); two cores.
    maxWorkers: 2,
  },
});
