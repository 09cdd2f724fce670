/** Where a session came from: referrer, landing URL, UTM tags, ad click ids. */
import type { ClickIdName, Touch } from './protocol.js';
import { MAX_CLICK_ID, MAX_URL, MAX_UTM, clip } from './limits.js';

export const UTM = ['source', 'medium', 'campaign', 'term', 'content'] as const;
export const CLICK_IDS: readonly ClickIdName[] = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id', 'twclid'];

/** The touch a session would have if it started on `url`, arriving from `referrer`. */
export function parseTouch(url: string, referrer: string, ts: number): Touch {
  const t: Touch = { ts, referrer: clip(referrer, MAX_URL), landing_url: clip(url, MAX_URL) };
  let q: URLSearchParams;
  try {
    q = new URL(url).searchParams;
  } catch {
    return t;
  }
  for (const k of UTM) {
    const v = q.get('utm_' + k);
    if (v) t[`utm_${k}`] = clip(v, MAX_UTM);
  }
  for (const k of CLICK_IDS) {
    const v = q.get(k);
    if (v) (t.click_ids ??= {})[k] = clip(v, MAX_CLICK_ID);
  }
  return t;
}

/**
 * A short fingerprint of the campaign (utm source/medium/campaign + click ids) a touch carries;
 * '' when it carries none. A different non-empty key starts a new session.
 */
export function campaignKey(t: Touch): string {
  if (!(t.utm_source || t.utm_medium || t.utm_campaign || t.click_ids)) return '';
  const s = JSON.stringify([t.utm_source, t.utm_medium, t.utm_campaign, t.click_ids]);
  // FNV-1a, 32 bit: enough to tell "the same campaign as before" from "another one".
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}
