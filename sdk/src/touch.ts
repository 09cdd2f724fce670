/** Where a session came from: referrer, landing URL, UTM tags, ad click ids. */
import type { ClickIdName, Touch } from './protocol.js';
import { clip } from './limits.js';
import { attempt } from './safe.js';

/** Landing-URL parameters a touch keeps: UTM tags (`utm_*`) at its top level, the rest as ad click ids. */
export const PARAMS = 'utm_source utm_medium utm_campaign utm_term utm_content gclid gbraid wbraid fbclid msclkid ttclid li_fat_id twclid'.split(' ');

/**
 * Bounds of a touch, so that it fits the session cookie (≤ ~3 KB whatever the URLs) and is sent
 * the same way on every page of the session: referrer and landing URL cut to 500 characters, UTM
 * values and click ids to 100 (Google documents gclid at ≤ 100). The full page URL is each event's `url`.
 */
export const TOUCH_URL = 500;
export const TOUCH_VALUE = 100;

/** The touch a session would have if it started on `url`, arriving from `referrer`. */
export function parseTouch(url: string, referrer: string, ts: number): Touch {
  const t: Touch = { ts, referrer: clip(referrer, TOUCH_URL), landing_url: clip(url, TOUCH_URL) };
  // Not a URL: referrer and landing URL only.
  attempt(() => {
    const q = new URL(url).searchParams;
    for (const k of PARAMS) {
      const v = q.get(k);
      if (v) ((k[3] == '_' ? t : (t.click_ids ||= {})) as Record<string, string>)[k as ClickIdName] = clip(v, TOUCH_VALUE);
    }
  });
  return t;
}

/** The campaign key of a touch without campaign. */
export const NO_CAMPAIGN = '[null,null,null,null]';

/**
 * What tells one campaign from another: utm source/medium/campaign and click ids, as a string;
 * {@link NO_CAMPAIGN} when the touch carries none. A key other than that, and other than the session's, starts a new session.
 */
export const campaignKey = (t: Touch): string => JSON.stringify([t.utm_source, t.utm_medium, t.utm_campaign, t.click_ids]);
