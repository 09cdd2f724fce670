/**
 * closeloop browser SDK — public API of the ES module build (`import { init, track } from 'closeloop'`).
 * Every entry point catches and drops errors: the SDK never throws into the host page.
 * Calls before `init()` are ignored (the script-tag build replays its pre-load queue instead).
 */
import type { PropValue } from './protocol.js';
import type { InitOptions } from './config.js';
import type { Tracker } from './tracker.js';
import { resolveConfig, VERSION } from './config.js';
import { createTracker } from './tracker.js';

export type { InitOptions } from './config.js';
export type { PropValue } from './protocol.js';
export { VERSION };

let tracker: Tracker | undefined;
let debug = false;

const log = (...a: unknown[]): void => {
  if (debug) console.log('[closeloop]', ...a);
};

/** Starts tracking: sets the visitor cookie, records the first page view, follows SPA navigations. Runs once. */
export function init(options: InitOptions): void {
  try {
    if (tracker || typeof document == 'undefined') return;
    const cfg = resolveConfig(options);
    debug = cfg.debug;
    tracker = createTracker(cfg, log);
    log('init', cfg);
  } catch (e) {
    console.warn('[closeloop]', e);
  }
}

/** Records a custom event, e.g. `track('signup', { plan: 'pro' })`. */
export function track(name: string, props?: Record<string, PropValue>): void {
  try {
    tracker?.track(name, props);
  } catch (e) {
    log(e);
  }
}

/** Records a page view of the current URL (for pages the SDK does not see on its own). */
export function page(): void {
  try {
    tracker?.page();
  } catch (e) {
    log(e);
  }
}

/** The visitor id (the `_cl_vid` cookie), or undefined before `init()`. */
export function getVisitorId(): string | undefined {
  return tracker?.visitorId;
}
