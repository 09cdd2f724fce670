/**
 * Browser specs: real Chromium (Debian's /usr/bin/chromium, see scripts/system-deps.mjs) against
 * a real collector process with embedded ClickHouse on a fresh data directory.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/support/chromium.js';

export const E2E_PORT = Number(process.env.CL_E2E_PORT ?? 18_480);
export const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789';
export const DESKTOP_CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
// Set once in the runner process; workers inherit it, so they all see the same directory.
process.env.CL_E2E_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), 'closeloop-e2e-'));

export default defineConfig({
  testDir: 'sdk/test/e2e',
  outputDir: 'test-results/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // A guard against hangs, not a timing: npm test runs the vitest suite beside these specs on 2 cores.
  timeout: 120_000,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  // Each SDK spec runs against both script variants (sdk/test/e2e/support.ts): `full` (cl.js) and
  // `core` (cl.core.js), except what the core variant has not: form and click capture (forms,
  // lead-cross-device, tests tagged @full: click capture, SPA page views), and the specs of the dashboard and API docs (no SDK).
  projects: [
    { name: 'full' },
    // Specs of features core lacks (forms), and specs that load no SDK (dashboard, docs), run their own
    // collector with the real cl.js (quick start) or load the ES module (module), would only repeat the `full` run.
    {
      name: 'core',
      testIgnore: [
        /forms\.spec/,
        /lead-cross-device\.spec/,
        /dashboard\.spec/,
        /api-docs\.spec/,
        /workspace(-share)?\.spec/,
        /quick-start\.spec/,
        /module\.spec/,
      ],
      grepInvert: /@full/,
    },
  ],
  use: {
    baseURL: `http://localhost:${E2E_PORT}`,
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        ...CHROMIUM_ARGS,
        // A desktop Chrome UA for every request the browser makes (beacons sent while a page unloads
        // ignore Playwright's per-page override), so page views are not flagged as bots (HeadlessChrome is).
        `--user-agent=${DESKTOP_CHROME_UA}`,
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
  webServer: {
    command: `node bin/closeloop.js start --demo --port ${E2E_PORT} --host localhost`,
    url: `http://localhost:${E2E_PORT}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      CLOSELOOP_DATA_DIR: process.env.CL_E2E_DATA_DIR,
      CLOSELOOP_ADMIN_TOKEN: E2E_ADMIN_TOKEN,
      CLOSELOOP_LOG_LEVEL: 'warn',
    },
  },
});
