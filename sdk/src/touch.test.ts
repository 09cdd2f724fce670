import { describe, expect, it } from 'vitest';
import { CAMPAIGN_PARAMS, campaignKey } from './touch.js';

describe('campaignKey', () => {
  const key = (q: string) => campaignKey('https://a.test/x?' + q);

  it("is '' without campaign, and for what is not a URL", () => {
    expect(key('')).toBe('');
    expect(key('utm_term=a&utm_content=b&q=1&utm_source=')).toBe('');
    expect(campaignKey('not a url')).toBe('');
  });

  it('depends on source, medium, campaign and click ids only', () => {
    const base = key('utm_source=g&utm_medium=cpc&utm_campaign=c1');
    expect(base).not.toBe('');
    expect(key('utm_source=g&utm_medium=cpc&utm_campaign=c1&utm_term=t&utm_content=x')).toBe(base);
    expect(key('utm_source=g&utm_medium=cpc&utm_campaign=c2')).not.toBe(base);
    expect(key('utm_source=b&utm_medium=cpc&utm_campaign=c1')).not.toBe(base);
    expect(key('utm_source=g&utm_medium=email&utm_campaign=c1')).not.toBe(base);
    expect(key('gclid=1')).not.toBe(key('gclid=2'));
    expect(key('gclid=1')).toBe(key('gclid=1'));
    // Values with commas or quotes cannot make two campaigns look alike.
    expect(key('utm_source=a,b&utm_medium=c')).not.toBe(key('utm_source=a&utm_medium=b,c'));
  });

  it('knows every supported click id, and decodes values', () => {
    for (const k of ['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id', 'twclid']) {
      expect(CAMPAIGN_PARAMS).toContain(k);
      expect(key(`${k}=a%20b`)).toContain('a b');
    }
  });
});
