/**
 * Sessions: 30 minutes without activity end one; arriving with another campaign (utm
 * source/medium/campaign) or a new ad click id starts a new one. The state lives in a
 * first-party cookie so every page and tab of the site shares it; the session's touch, too big
 * for a cookie, is kept in localStorage, as is the visitor's first touch.
 */
import type { Touch } from './protocol.js';
import type { Store } from './storage/cookie.js';
import { isUuid, uuid } from './ids.js';
import { campaignKey } from './touch.js';
import { kept } from './storage/local.js';

export const SESSION_TIMEOUT = 30 * 60 * 1000;
/** Cookie: `<session id>.<last activity ms>.<start ms>.<campaign key>`. */
export const SESSION_COOKIE = '_cl_ses';
/** localStorage: `{"i": session_id, "t": Touch}`, the touch of the current session. */
export const SESSION_TOUCH_KEY = '_cl_st';
/** localStorage: `{"i": visitor_id, "t": Touch}`, the visitor's first touch. */
export const FIRST_TOUCH_KEY = '_cl_ft';

/** `[session id, last activity ms, start ms (= its touch's ts), campaignKey of its touch]`. */
export type SessionState = [id: string, last: number, start: number, key: string];

export function decodeSession(v = ''): SessionState | undefined {
  const [id, last, start, key = ''] = v.split('.');
  return isUuid(id) && +last! > 0 && +start! > 0 ? [id, +last!, +start!, key] : undefined;
}

/** Continue `prev` or start a new session, at `now`, on a page whose campaign key is `key`. */
export function nextSession(prev: SessionState | undefined, now: number, key: string): [SessionState, boolean] {
  return prev && now - prev[1] < SESSION_TIMEOUT && (!key || key == prev[3])
    ? [[prev[0], now, prev[2], prev[3]], false]
    : [[uuid(), now, now, key], true];
}

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
  const [s, isNew] = nextSession(decodeSession(store.get(SESSION_COOKIE)), now, campaignKey(candidate));
  const [id, last, start] = s;
  store.set(SESSION_COOKIE, s.join('.'), new Date(last + SESSION_TIMEOUT));
  return isNew
    ? { id, touch: kept(SESSION_TOUCH_KEY, id, candidate)!, first: kept(FIRST_TOUCH_KEY, visitorId, candidate) }
    : // Touch not found (another subdomain, storage blocked): the start time is all we know.
      { id, touch: kept<Touch>(SESSION_TOUCH_KEY, id) ?? { ts: start, referrer: '', landing_url: '' } };
}
