import { describe, expect, it } from 'vitest';
import { isClError } from '../base/errors.js';
import { SiteRate } from './site-rate.js';

const refused = (fn: () => void) => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return isClError(e) ? { code: e.code, retryAfter: e.headers?.['retry-after'] } : e;
  }
};

describe('SiteRate', () => {
  it("refuses a site over its minute's budget, with Retry-After, while another site keeps its own", () => {
    const rate = new SiteRate(60); // one a second
    const t = 1_000_000;
    for (let i = 0; i < 60; i++) expect(refused(() => rate.take('flood', t))).toBeUndefined();
    expect(refused(() => rate.take('flood', t))).toEqual({ code: 'CL_SITE_RATE_LIMITED', retryAfter: '1' });
    expect(refused(() => rate.take('quiet', t))).toBeUndefined();
    // Refilled continuously: one more a second later.
    expect(refused(() => rate.take('flood', t + 1000))).toBeUndefined();
    expect(refused(() => rate.take('flood', t + 1000))).toMatchObject({ code: 'CL_SITE_RATE_LIMITED' });
  });

  it('0 is no limit', () => {
    const rate = new SiteRate(0);
    for (let i = 0; i < 10_000; i++) rate.take('any', 0);
  });
});
