/**
 * Sessions: 30 minutes without activity end one; arriving with another campaign (utm
 * source/medium/campaign) or another ad click id starts a new one. The session — id, last
 * activity and its touch — lives in one first-party cookie on the registrable domain, so every
 * page, tab and subdomain of the site shares it and sends the right touch. The visitor's first
 * touch, sent only on session starts, is kept in localStorage.
 */
import type { Touch } from './protocol.js';
import type { Store } from './storage/cookie.js';
import { isUuid, uuid } from './ids.js';
import { clip } from './limits.js';
import { attempt } from './safe.js';
import { campaignKey } from './touch.js';
import { load, save } from './storage/local.js';

export const SESSION_TIMEOUT = 30 * 60 * 1000;
/** Cookie: JSON `[session id, last activity ms, Touch]`, the touch in its {@link cookieTouch} form. */
export const SESSION_COOKIE = '_cl_ses';
/** localStorage: `{"i": visitor_id, "t": Touch}`, the visitor's first touch. */
export const FIRST_TOUCH_KEY = '_cl_ft';

/**
 * A touch bounded to fit a cookie whatever the URLs (≤ ~2.5 KB): referrer and landing URL cut to
 * 500 characters, other values to 100. Later pages of a session send this form.
 */
export const cookieTouch = (t: Touch): Touch =>
  JSON.parse(JSON.stringify(t, (k, v: unknown) => (typeof v == 'string' ? clip(v, k == 'referrer' || k == 'landing_url' ? 500 : 100) : v)));

export interface Session {
  id: string;
  touch: Touch;
  /** Set on the first event of a session: the visitor's first touch. */
  first?: Touch;
}

/**
 * Records activity at `now` and returns the session; `candidate` is the touch of the current page,
 * used should a session start.
 */
export function touchSession(store: Store, visitorId: string, now: number, candidate: Touch): Session {
  // None, or not ours: a new session.
  let s = attempt<[string, number, Touch] | undefined>(() => JSON.parse(store.get(SESSION_COOKIE)!));
  const small = cookieTouch(candidate);
  const key = campaignKey(small);
  const isNew = !(s && isUuid(s[0]) && now - s[1] < SESSION_TIMEOUT && s[2]?.ts > 0 && (!key || key == campaignKey(s[2])));
  if (isNew) s = [uuid(), now, small];
  const [id, , touch] = s!;
  store.set(SESSION_COOKIE, JSON.stringify([id, now, touch]), new Date(now + SESSION_TIMEOUT));
  if (!isNew) return { id, touch };
  // The first touch is kept per visitor: a visitor id adopted from the collector's cookie gets its own.
  const kept = load<{ i: string; t: Touch }>(FIRST_TOUCH_KEY);
  return { id, touch: candidate, first: (kept?.i == visitorId && kept.t) || (save(FIRST_TOUCH_KEY, { i: visitorId, t: candidate }), candidate) };
}
