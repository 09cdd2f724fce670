/**
 * How every browser run here starts Chromium: Debian's package (scripts/system-deps.mjs finds or
 * installs it; CHROMIUM_PATH overrides), headless with the flags below. Shared by the Playwright
 * specs (playwright.config.ts) and the page-cost benchmark.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
