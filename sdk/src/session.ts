/**
 * Sessions: 30 minutes without activity end one; arriving with another campaign (utm
 * source/medium/campaign) or another ad click id starts a new one. The session — id, last activity
 * and its campaign key — lives in one first-party cookie on the registrable domain, so every page, tab
 * and subdomain of the site shares it. The session's touch is sent once, with its first event (wire
 * format 2); the collector keeps it for the session's later events. The visitor's first touch is kept
 * in localStorage and sent on a session's first event when it is not that session's touch.
 */
import type { FirstTouchV2 } from './protocol.js';
import type { Store } from './storage/cookie.js';
import { isUuid, uuid } from './ids.js';
import { attempt } from './safe.js';
import { campaignKey } from './touch.js';
import { load, save } from './storage/local.js';

export const SESSION_TIMEOUT = 30 * 60 * 1000;
/** Cookie: JSON `[session id, last activity ms, campaign key, number of the session's last event]`. */
export const SESSION_COOKIE = '_cl_ses';
/** localStorage: `{"i": visitor_id, "t": FirstTouchV2}`, the visitor's first touch. */
export const FIRST_TOUCH_KEY = '_cl_ft';

/** Referrer and landing URL of the touch a session starting now would have. */
export interface Landing {
  r: string;
  l: string;
}

/**
 * `[id, n, start, first]`: the session id; `n` the event's number in the session (1, 2, …: wire field
 * `i`; the cookie counts, so every tab and page of the session numbers on); `start` set when the session
 * starts now; `first` when it starts now and the visitor's first touch is another (an earlier
 * session's). A tuple: no property names in the bundle.
 */
export type Session = [id: string, n: number, start?: true, first?: FirstTouchV2];

/** Records activity at `now` and returns the session; `candidate` is the touch of the current page, used should a session start. */
export function touchSession(store: Store, visitorId: string, now: number, candidate: Landing): Session {
  // '0' when there is none: JSON.parse(undefined) would throw, and a throw costs the page time.
  let s = attempt<[string, number, string, number?]>(() => JSON.parse(store.get(SESSION_COOKIE) || '0'));
  const key = campaignKey(candidate.l);
  // None, not ours, expired or another campaign: a new session.
  const start = !(isUuid(s?.[0]) && now - s![1] < SESSION_TIMEOUT && (!key || key == s![2])) || undefined;
  if (start) s = [uuid(), now, key];
  const [id, , k, n] = s!;
  // The next number: 1 in a new session; `-~` makes any cookie content a whole number (the collector takes it modulo 2³²)
  const i = -~n!;
  // The cookie outlives the session a little (0.03 days: 43.2 minutes; the stored time ends the session),
  // a shorter literal than 1/48 and a whole number of seconds: cl.core.js writes it as max-age, which
  // browsers ignore unless it is an integer (0.021 days, 1814.4 s, made a browser-session cookie)
  store.set(SESSION_COOKIE, JSON.stringify([id, now, k, i]), 0.03);
  if (!start) return [id, i];
  // The first touch is kept per visitor: a visitor id adopted from the collector's cookie gets its own.
  const kept = load<{ i: string; t: FirstTouchV2 }>(FIRST_TOUCH_KEY);
  return [
    id,
    i,
    start,
    kept?.i == visitorId ? kept.t : void save(FIRST_TOUCH_KEY, { i: visitorId, t: { t: now, ...candidate } }),
  ];
}
