import { describe, expect, it } from 'vitest';
import { NO_CAMPAIGN, TOUCH_URL, TOUCH_VALUE, campaignKey, parseTouch } from './touch.js';

describe('parseTouch', () => {
  it('captures referrer, landing URL, UTM tags and click ids', () => {
    const url = 'https://shop.example.com/p?utm_source=google&utm_medium=cpc&utm_campaign=spring&utm_term=shoes&utm_content=ad1&gclid=Cj0abc&fbclid=IwAR&x=1';
    expect(parseTouch(url, 'https://www.google.com/', 123)).toEqual({
      ts: 123,
      referrer: 'https://www.google.com/',
      landing_url: url,
      utm_source: 'google',
      utm_medium: 'cpc',
      utm_campaign: 'spring',
      utm_term: 'shoes',
      utm_content: 'ad1',
      click_ids: { gclid: 'Cj0abc', fbclid: 'IwAR' },
    });
  });

  it('knows every supported click id and decodes values', () => {
    const ids = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id', 'twclid'];
    const t = parseTouch('https://a.test/?' + ids.map((k) => `${k}=${k}%20v`).join('&'), '', 1);
    expect(t.click_ids).toEqual(Object.fromEntries(ids.map((k) => [k, `${k} v`])));
  });

  it('leaves out empty and missing parameters', () => {
    expect(parseTouch('https://a.test/?utm_source=&gclid=', '', 1)).toEqual({ ts: 1, referrer: '', landing_url: 'https://a.test/?utm_source=&gclid=' });
  });

  it('is bounded to fit the session cookie', () => {
    const long = 'https://a.test/?utm_source=' + 's'.repeat(300) + '&gclid=' + 'g'.repeat(600) + '&pad=' + 'p'.repeat(3000);
    const t = parseTouch(long, 'https://r.test/' + 'r'.repeat(3000), 1);
    expect(t.landing_url).toHaveLength(TOUCH_URL);
    expect(t.referrer).toHaveLength(TOUCH_URL);
    expect(t.utm_source).toHaveLength(TOUCH_VALUE);
    expect(t.click_ids?.gclid).toHaveLength(TOUCH_VALUE);
  });

  it('survives a URL it cannot parse', () => {
    expect(parseTouch('not a url', '', 1)).toEqual({ ts: 1, referrer: '', landing_url: 'not a url' });
  });
});

describe('campaignKey', () => {
  const key = (q: string) => campaignKey(parseTouch('https://a.test/x?' + q, 'https://ref.test/', 1));

  it('is NO_CAMPAIGN without campaign', () => {
    expect(key('')).toBe(NO_CAMPAIGN);
    expect(key('utm_term=a&utm_content=b&q=1')).toBe(NO_CAMPAIGN);
  });

  it('depends on source, medium, campaign and click ids only', () => {
    const base = key('utm_source=g&utm_medium=cpc&utm_campaign=c1');
    expect(base).not.toBe(NO_CAMPAIGN);
    expect(key('utm_source=g&utm_medium=cpc&utm_campaign=c1&utm_term=t&utm_content=x')).toBe(base);
    expect(key('utm_source=g&utm_medium=cpc&utm_campaign=c2')).not.toBe(base);
    expect(key('utm_source=b&utm_medium=cpc&utm_campaign=c1')).not.toBe(base);
    expect(key('utm_source=g&utm_medium=email&utm_campaign=c1')).not.toBe(base);
    expect(key('gclid=1')).not.toBe(key('gclid=2'));
    expect(key('gclid=1')).toBe(key('gclid=1'));
    // Values with commas or quotes cannot make two campaigns look alike.
    expect(key('utm_source=a,b&utm_medium=c')).not.toBe(key('utm_source=a&utm_medium=b,c'));
  });
});
