/**
 * closeloop browser SDK — public API of the ES module build (`import { init, track } from 'closeloop'`).
 * Every entry point catches and drops errors: the SDK never throws into the host page.
 * Calls before `init()` are ignored (the script-tag build replays its pre-load queue instead).
 */
import type { PropValue } from './protocol.js';
import type { InitOptions } from './config.js';
import type { Tracker } from './tracker.js';
import type { Choice, ConsentState } from './consent.js';
import { CORE, resolveConfig, VERSION } from './config.js';
import { createTracker } from './tracker.js';
import { attempt } from './safe.js';

export type { InitOptions } from './config.js';
export type { PropValue } from './protocol.js';
export type { Choice, ConsentState } from './consent.js';
export { VERSION };

let tracker: Tracker | undefined;
/** A consent choice made before `init()`. */
let early: unknown;

/** Starts tracking: sets the visitor cookie, records the first page view, follows SPA navigations. Runs once. */
export function init(options: InitOptions): void {
  try {
    if (tracker) return;
    const cfg = resolveConfig(options);
    tracker = createTracker(cfg, early);
    if (!CORE && cfg.debug) console.log('[closeloop]', cfg, tracker.visitorId);
  } catch (e) {
    console.warn('[closeloop]', e);
  }
}

/** A public method calling the tracker's, dropping errors; nothing before `init()`. */
const call =
  (m: 'track' | 'page' | 'identify') =>
  (...a: unknown[]): void =>
    void attempt(() => (tracker![m] as (...a: unknown[]) => void)(...a));

/** Records a custom event, e.g. `track('signup', { plan: 'pro' })`. Needs a non-empty name. */
export const track: (name: string, props?: Record<string, PropValue>) => void = call('track');

/** Records a page view of the current URL (for pages the SDK does not see on its own). */
export const page: () => void = call('page');

/**
 * Tells who the visitor is, e.g. after a login or a checkout: `identify('ann@example.com')` (a value
 * with an `@` is an email) or `identify('crm-42', { plan: 'pro' })` (the site's own user id).
 * The collector links this visitor — and their past events — to that lead.
 */
export const identify: (emailOrUserId: string, traits?: Record<string, PropValue>) => void = call('identify');

/** The visitor id (the `_cl_vid` cookie), or undefined before `init()` and without consent. */
export const getVisitorId = (): string | undefined => tracker?.visitorId || undefined;

/**
 * Consent (for sites with `consent: 'required'`, and for withdrawals anywhere): `consent('granted')`
 * starts tracking — the landing page's campaign becomes the visitor's first touch; `consent('denied')`
 * deletes the SDK's cookies and storage and stops tracking. The choice is remembered (cookie
 * `_cl_consent`). `consent()` returns the state: `'granted'`, `'denied'`, `'pending'` or
 * `'not-required'` (undefined before `init()`; a choice made then applies at `init()`).
 */
export const consent = (choice?: Choice): ConsentState | undefined =>
  attempt(() => (tracker ? tracker.consent(choice) : void (early = choice ?? early)));
