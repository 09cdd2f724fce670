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
import { attempt } from './safe.js';
import { NO_CAMPAIGN, campaignKey } from './touch.js';
import { load, save } from './storage/local.js';

export const SESSION_TIMEOUT = 30 * 60 * 1000;
/** Cookie: JSON `[session id, last activity ms, Touch]`. */
export const SESSION_COOKIE = '_cl_ses';
/** localStorage: `{"i": visitor_id, "t": Touch}`, the visitor's first touch. */
export const FIRST_TOUCH_KEY = '_cl_ft';

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
  let s = attempt<[string, number, Touch]>(() => JSON.parse(store.get(SESSION_COOKIE)!));
  const key = campaignKey(candidate);
  // None, not ours, expired or another campaign: a new session.
  const isNew = !(isUuid(s?.[0]) && now - s![1] < SESSION_TIMEOUT && s![2]?.ts > 0 && (key == NO_CAMPAIGN || key == campaignKey(s![2])));
  if (isNew) s = [uuid(), now, candidate];
  const [id, , touch] = s!;
  store.set(SESSION_COOKIE, JSON.stringify([id, now, touch]), new Date(now + SESSION_TIMEOUT));
  if (!isNew) return { id, touch };
  // The first touch is kept per visitor: a visitor id adopted from the collector's cookie gets its own.
  const kept = load<{ i: string; t: Touch }>(FIRST_TOUCH_KEY);
  return { id, touch, first: (kept?.i == visitorId && kept.t) || (save(FIRST_TOUCH_KEY, { i: visitorId, t: touch }), touch) };
}
