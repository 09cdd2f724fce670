/**
 * Consent, as a small state machine of pure functions; tracker.ts carries out what they decide.
 *
 * - `not-required` (`data-consent="none"`, the default): tracking starts at once.
 * - `pending` (`data-consent="required"`, no choice yet): no cookie, no storage, no identifier; with
 *   `data-cookieless`, page views go out with the zero UUID as visitor and session id (counts only).
 * - `granted`: tracking as with `not-required`; the page's landing touch becomes the first touch.
 * - `denied`: nothing is kept and nothing more is sent.
 *
 * The choice is remembered in the strictly-necessary cookie `_cl_consent` (1 year) and wins over
 * the mode on later pages; a privacy signal the site opted to honour (`data-respect-gpc`: Global
 * Privacy Control or Do Not Track) is a denial that no `consent('granted')` overrides.
 */
import { UUID_SHAPE } from './ids.js';

export type ConsentState = 'granted' | 'denied' | 'pending' | 'not-required';
export type Choice = 'granted' | 'denied';

/** Cookie remembering the visitor's choice (`granted` | `denied`). */
export const CONSENT_COOKIE = '_cl_consent';
export const CONSENT_DAYS = 365;
/** Visitor and session id of events that must carry no identifier: the zero UUID (from the v4 shape: 4 B less gzip). */
export const NIL = UUID_SHAPE.replace(/\d/g, '0');

export const isChoice = (v: unknown): v is Choice => v == 'granted' || v == 'denied';

/** The state a page starts in: the privacy signal, else the remembered choice, else the mode's. */
export const startState = (required: boolean, remembered: unknown, signal: boolean): ConsentState =>
  signal ? 'denied' : isChoice(remembered) ? remembered : required ? 'pending' : 'not-required';

/** The state after `consent(to)`: a choice replaces the state, unless the privacy signal is on. */
export const nextState = (from: ConsentState, to: unknown, signal: boolean): ConsentState =>
  !signal && isChoice(to) ? to : from;

/** Whether events with an identifier may be built, and cookies and storage used. */
export const tracks = (s: ConsentState): boolean => s == 'granted' || s == 'not-required';

/** Whether the browser asks sites not to track: Global Privacy Control, or Do Not Track. */
export const privacySignal = (nav: { globalPrivacyControl?: unknown; doNotTrack?: unknown }): boolean =>
  nav.globalPrivacyControl == true || nav.doNotTrack == '1';
