// Every click id of the contract (contract/click-ids.ts) has each of its places, in the style of
// errors.test.ts: a key of the v1 schema, a landing-URL parameter of wire format 2, a row mapping
// (click_id_type / click_id), a channel rule, a campaign parameter of the SDK, and it survives URL
// scrubbing. And one precedence for all: source and click_id_type come from the same click id.
import { describe, expect, it } from 'vitest';
import { CLICK_IDS, type ClickIdName } from '../../../contract/click-ids.js';
import { CAMPAIGN_PARAMS, campaignKey } from '../../../sdk/src/touch.js';
import { CLICK_ID_RULES, classifyChannel } from './channel.js';
import { TouchSchema } from './schema.js';
import { toEventRow, type BatchContext } from './to-row.js';
import { formFieldNames } from './url-scrub.js';
import { touchOf } from './wire-v2.js';

const TS = Date.UTC(2026, 11, 1);
const LANDING = 'https://shop.example.com/pricing';
const ctx: BatchContext = {
  siteId: 'site',
  siteDomains: [],
  retentionDays: 0,
  receivedAt: TS,
  clockOffset: 0,
  sdkVersion: 'test',
  userAgent: {
    browser: 'Chrome',
    browser_version: '120',
    os: 'Linux',
    os_version: '',
    device_type: 'desktop',
    is_bot: false,
  },
};

/** The `events` row of a pageview whose session landed on `landing` (wire format 2's parsing, then the mapper). */
function rowOf(landing: string) {
  const touch = touchOf(TS, '', landing);
  const id = '00000000-0000-4000-8000-000000000001';
  return toEventRow(
    { type: 'pageview', id, ts: TS, visitor_id: id, session_id: id, url: landing, touch, session_start: true },
    ctx,
  );
}

describe('click ids: one list, every place', () => {
  it.each(CLICK_IDS)(
    '%s has a schema key, a wire-2 parameter, a row mapping, a channel rule and an SDK campaign parameter',
    (k) => {
      expect(
        TouchSchema.parse({ ts: TS, referrer: '', landing_url: LANDING, click_ids: { [k]: 'abc' } }).click_ids,
      ).toEqual({ [k]: 'abc' });
      expect(touchOf(TS, '', `${LANDING}?${k}=abc`).click_ids).toEqual({ [k]: 'abc' });
      const row = rowOf(`${LANDING}?${k}=abc`);
      expect([row.click_id_type, row.click_id]).toEqual([k, 'abc']);
      const [platform, medium] = CLICK_ID_RULES[k];
      expect([row.source, row.medium]).toEqual([platform, medium]);
      expect(classifyChannel({ referrer: '', landing_url: LANDING, click_ids: { [k]: 'abc' } }).source).toBe(platform);
      expect(CAMPAIGN_PARAMS).toContain(k);
      expect(campaignKey(`${LANDING}?${k}=abc`)).not.toBe('');
      // A (possibly forged) form field named like a click id never drops it from stored URLs.
      expect(formFieldNames([{ type: 'form', form: { fields: { [k]: 'x' } } }]).size).toBe(0);
    },
  );

  it('has a channel rule for exactly the contract ids', () => {
    expect(Object.keys(CLICK_ID_RULES).sort()).toEqual([...CLICK_IDS].sort());
  });

  it('a touch with several click ids takes source and click_id_type from the same one: the first in the contract order', () => {
    for (let i = 0; i < CLICK_IDS.length; i++)
      for (let j = i + 1; j < CLICK_IDS.length; j++) {
        const [a, b] = [CLICK_IDS[i]!, CLICK_IDS[j]!] as [ClickIdName, ClickIdName];
        // Both orders in the URL: the URL's order must not matter.
        for (const q of [`${a}=1&${b}=2`, `${b}=2&${a}=1`]) {
          const row = rowOf(`${LANDING}?${q}`);
          expect([row.click_id_type, row.click_id, row.source], `${a} before ${b}`).toEqual([
            a,
            '1',
            CLICK_ID_RULES[a][0],
          ]);
        }
      }
  });

  it('fbclid and ttclid together: tiktok, ttclid (the reported bug)', () => {
    const row = rowOf(`${LANDING}?fbclid=f&ttclid=t`);
    expect([row.source, row.click_id_type, row.click_id]).toEqual(['tiktok', 'ttclid', 't']);
  });
});
