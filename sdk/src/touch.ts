/**
 * Where a session came from: the referrer and the landing URL (wire format 2: the collector reads the
 * UTM tags and click ids from the landing URL). In the browser, only what tells one campaign from
 * another is needed: the campaign key.
 */
import { CLICK_IDS } from '../../contract/click-ids.js';
import { attempt } from './safe.js';

/** The landing-URL parameters that make a campaign: UTM source, medium and campaign, and the ad click ids. */
export const CAMPAIGN_PARAMS: readonly string[] = ['utm_source', 'utm_medium', 'utm_campaign', ...CLICK_IDS];

/**
 * The campaign of a landing URL as a string (the values of {@link CAMPAIGN_PARAMS}, a JSON array, so
 * `a,b`+`c` never equals `a`+`b,c`); '' when it carries none (or is not a URL). A key other than '' and
 * other than the session's starts a new session.
 */
export const campaignKey = (url: string): string =>
  attempt(() => {
    const q = new URL(url).searchParams;
    const v = CAMPAIGN_PARAMS.map((k) => q.get(k) || 0);
    return v.some((x) => x) ? JSON.stringify(v) : '';
  }) || '';
