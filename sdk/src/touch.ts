/** Where a session came from: referrer, landing URL, UTM tags, ad click ids. */
import type { ClickIdName, Touch } from './protocol.js';
import { MAX_CLICK_ID, MAX_URL, MAX_UTM, clip } from './limits.js';

/** Landing-URL parameters a touch keeps: UTM tags (`utm_*`) at its top level, the rest as ad click ids. */
export const PARAMS = 'utm_source utm_medium utm_campaign utm_term utm_content gclid gbraid wbraid fbclid msclkid ttclid li_fat_id twclid'.split(' ');

/** The touch a session would have if it started on `url`, arriving from `referrer`. */
export function parseTouch(url: string, referrer: string, ts: number): Touch {
  const t: Touch = { ts, referrer: clip(referrer, MAX_URL), landing_url: clip(url, MAX_URL) };
  try {
    const q = new URL(url).searchParams;
    for (const k of PARAMS) {
      const v = q.get(k);
      if (v)
        k[3] == '_' // utm_…
          ? ((t as unknown as Record<string, string>)[k] = clip(v, MAX_UTM))
          : ((t.click_ids ||= {})[k as ClickIdName] = clip(v, MAX_CLICK_ID));
    }
  } catch {
    // not a URL: referrer and landing URL only
  }
  return t;
}

/**
 * What tells one campaign from another: utm source/medium/campaign and click ids, as a string;
 * '' when the touch carries none. A different non-empty key starts a new session.
 */
export const campaignKey = (t: Touch): string =>
  t.utm_source || t.utm_medium || t.utm_campaign || t.click_ids ? JSON.stringify([t.utm_source, t.utm_medium, t.utm_campaign, t.click_ids]) : '';
