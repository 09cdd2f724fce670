import { defineConfig } from 'vitest/config';

/**
 * The integration suite that talks to ClickHouse runs twice: against embedded chDB (the default
 * store) and, in the `server` project, with CLICKHOUSE_URL against the test ClickHouse HTTP server
 * (test/support/clickhouse-http, chDB in its own process). Same files, same assertions.
 */
export const STORE_SUITE = [
  'collector/src/app/app.test.ts',
  'collector/src/app/durability.test.ts',
  'collector/src/plugins/spool.test.ts',
  'collector/src/attribution/attribution.test.ts',
  'collector/src/attribution/roi-and-dashboard.test.ts',
  'collector/src/attribution/attribution-edges.test.ts',
  'collector/src/privacy/privacy.test.ts',
  'collector/src/crm/crm.test.ts',
  'collector/src/storage/migrations.test.ts',
  'collector/src/storage/insert-dedup.test.ts',
  'collector/src/storage/events-binary.test.ts',
  'collector/src/storage/native-columns.test.ts',
  'collector/src/storage/upgrade.test.ts',
  'collector/src/storage/upgrade-35.test.ts',
];

export default defineConfig({
  test: {
    // Each test file runs in its own process: embedded ClickHouse allows one data directory per process.
    pool: 'forks',
    isolate: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'embedded',
          include: [
            'collector/src/**/*.test.ts',
            'sdk/src/**/*.test.ts',
            'examples/**/*.test.ts',
            'benchmarks/**/*.test.ts',
            'test/support/**/*.test.ts',
            'test/layout/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        // …plus several collector processes behind nginx, each run against its own store process.
        test: {
          name: 'server',
          include: [...STORE_SUITE, 'test/scale-out/**/*.test.ts'],
          globalSetup: ['test/support/clickhouse-http/global-setup.ts'],
        },
      },
    ],
  },
});
