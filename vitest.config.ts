import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['collector/src/**/*.test.ts', 'sdk/src/**/*.test.ts', 'examples/**/*.test.ts', 'benchmarks/**/*.test.ts', 'test/**/*.test.ts'],
    // Each test file runs in its own process: embedded ClickHouse allows one data directory per process.
    pool: 'forks',
    isolate: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
