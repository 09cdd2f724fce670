// Event times as docs/api.md ("Event times") states them: the browser's clock, corrected by
// `sent_at`; older than 30 days or more than 60 s ahead → the arrival time.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Touch } from '../../../sdk/src/protocol.js';
import type { ValidEvent } from './schema.js';
import {
  cachedTouchCount,
  clockOffset,
  correctTime,
  forgetCachedTouches,
  hostnameOf,
  toEventRow,
  type BatchContext,
} from './to-row.js';

const DAY = 86_400_000;
const receivedAt = Date.UTC(2026, 11, 3, 12);

describe('event times', () => {
  it('keeps times up to 30 days back and re-times older ones (and ones ahead) to the arrival', () => {
    const ctx = { receivedAt, clockOffset: 0 };
    expect(correctTime(receivedAt - 29 * DAY, ctx)).toBe(receivedAt - 29 * DAY);
    expect(correctTime(receivedAt - 31 * DAY, ctx)).toBe(receivedAt);
    expect(correctTime(receivedAt + 30_000, ctx)).toBe(receivedAt + 30_000);
    expect(correctTime(receivedAt + 5 * 60_000, ctx)).toBe(receivedAt);
  });

  it("corrects a browser clock more than 60 s off by the batch's sent_at", () => {
    const offset = clockOffset(receivedAt, receivedAt - 3_600_000); // the browser is an hour behind
    expect(offset).toBe(3_600_000);
    expect(correctTime(receivedAt - 3_600_000 - 5_000, { receivedAt, clockOffset: offset })).toBe(receivedAt - 5_000);
    expect(clockOffset(receivedAt, receivedAt - 30_000)).toBe(0);
  });
});

describe('touch columns (cached per touch and site)', () => {
  const ua = { browser: '', browser_version: '', os: '', os_version: '', device_type: 'desktop', is_bot: false };
  const ctxOf = (siteDomains: readonly string[], formFields?: ReadonlySet<string>): BatchContext => ({
    siteId: 's1',
    siteDomains,
    retentionDays: 0,
    receivedAt,
    clockOffset: 0,
    userAgent: ua as BatchContext['userAgent'],
    sdkVersion: '',
    formFields,
  });
  const startOf = (touch: Touch): ValidEvent =>
    ({
      type: 'pageview',
      id: randomUUID(),
      ts: receivedAt,
      visitor_id: randomUUID(),
      session_id: randomUUID(),
      session_start: true,
      url: 'https://shop.test/',
      touch,
    }) as ValidEvent;
  const columns = (touch: Touch, ctx: BatchContext) => {
    const r = toEventRow(startOf(touch), ctx);
    return [r.referrer, r.referrer_domain, r.landing_url, r.channel, r.source, r.medium, r.click_id_type, r.click_id];
  };

  it('gives a touch seen before the same columns as classifying it afresh', () => {
    const ctx = ctxOf(['shop.test']);
    const touch = {
      ts: receivedAt,
      referrer: 'https://www.google.com/',
      landing_url: 'https://shop.test/?gclid=abc',
      click_ids: { gclid: 'abc' },
    };
    const first = columns(touch, ctx);
    expect(first).toEqual([
      'https://www.google.com/',
      'google.com',
      touch.landing_url,
      'Paid Search',
      'google',
      'cpc',
      'gclid',
      'abc',
    ]);
    expect(columns({ ...touch }, ctx)).toEqual(first);
    expect(columns({ ...touch, click_ids: {} }, ctx)[3]).toBe('Organic Search');
  });

  it('forgets every cached touch when asked (an erasure), and classifies them afresh after', () => {
    const ctx = ctxOf(['forget.test']);
    const touch = { ts: receivedAt, referrer: 'https://news.example/', landing_url: 'https://forget.test/a' };
    const before = cachedTouchCount();
    const first = columns(touch, ctx);
    expect(cachedTouchCount()).toBe(before + 1);
    forgetCachedTouches();
    expect(cachedTouchCount()).toBe(0);
    expect(columns({ ...touch }, ctx)).toEqual(first);
    expect(cachedTouchCount()).toBe(1);
  });

  it('never mistakes one touch for another whose fields join to the same text', () => {
    const ctx = ctxOf(['shop.test']);
    const a = {
      ts: receivedAt,
      referrer: 'https://www.google.com/',
      landing_url: 'https://shop.test/\nhttps://x.test/',
    };
    const b = {
      ts: receivedAt,
      referrer: 'https://www.google.com/\nhttps://shop.test/',
      landing_url: 'https://x.test/',
    };
    expect(columns(a, ctx)[0]).toBe(a.referrer);
    expect(columns(b, ctx)[0]).toBe(b.referrer);
    expect(columns(b, ctx)[2]).toBe(b.landing_url);
  });

  it('never keeps a touch whose URLs had personal query parameters (the cache holds scrubbed text only)', () => {
    const ctx = ctxOf(['pii.test']);
    const touch = {
      ts: receivedAt,
      referrer: '',
      landing_url: 'https://pii.test/?email=ada%40example.com&utm_source=x',
    };
    const before = cachedTouchCount();
    expect(columns(touch, ctx)[2]).toBe('https://pii.test/?utm_source=x');
    expect(columns(touch, ctx)[2]).toBe('https://pii.test/?utm_source=x');
    expect(cachedTouchCount()).toBe(before);
    columns({ ...touch, landing_url: 'https://pii.test/?utm_source=x' }, ctx);
    expect(cachedTouchCount()).toBe(before + 1);
  });

  it('keeps at most 8 touches per landing URL (the newest), each still classified by its own fields', () => {
    const ctx = ctxOf(['many.test']);
    const touch = (i: number) => ({
      ts: receivedAt,
      referrer: `https://r${i}.example/`,
      landing_url: 'https://many.test/',
    });
    const before = cachedTouchCount();
    for (let i = 0; i < 20; i++) expect(columns(touch(i), ctx)[0]).toBe(`https://r${i}.example/`);
    expect(cachedTouchCount()).toBe(before + 8);
    expect(columns(touch(0), ctx)[0]).toBe('https://r0.example/'); // dropped, classified again
    expect(cachedTouchCount()).toBe(before + 8);
    // A missing field is the same as an empty one; any other difference is another touch.
    expect(columns({ ...touch(1), utm_source: '' }, ctx)).toEqual(columns(touch(1), ctx));
    expect(columns({ ...touch(1), utm_source: 'x' }, ctx)).not.toEqual(columns(touch(1), ctx));
  });

  it("follows a change of the site's domains, and scrubs by a batch's form fields", () => {
    const touch = { ts: receivedAt, referrer: 'https://blog.shop.test/post', landing_url: 'https://shop.test/?q=1' };
    const domains = ['other.test'];
    expect(columns(touch, ctxOf(domains))).toEqual(columns(touch, ctxOf(domains)));
    expect(columns(touch, ctxOf(domains))[3]).toBe('Referral');
    expect(columns(touch, ctxOf(['shop.test']))[3]).not.toBe('Referral'); // the site's changed domains: a new array
    expect(columns(touch, ctxOf(domains))[2]).toBe(touch.landing_url);
    expect(columns(touch, ctxOf(domains, new Set(['q'])))[2]).toBe('https://shop.test/');
  });

  it('caches the touches of a site without learned form fields (the events route passes an empty set)', () => {
    const touch = { ts: receivedAt, referrer: 'https://blog.example/', landing_url: 'https://noforms.test/?q=1' };
    const before = cachedTouchCount();
    columns(touch, ctxOf(['noforms.test'], new Set()));
    expect(cachedTouchCount()).toBe(before + 1);
    columns(touch, ctxOf(['noforms.test'], new Set(['q'])));
    expect(cachedTouchCount()).toBe(before + 1);
  });
});

describe('hostnameOf', () => {
  const parsed = (url: string) => {
    try {
      return new URL(url).hostname.toLowerCase();
    } catch {
      return '';
    }
  };
  it("gives the WHATWG parser's hostname, cached or not, for URLs whose prefix could mislead a cache", () => {
    const urls = [
      'https://shop.test/products/1?x=1#y',
      'https://shop.test',
      'https://shop.test?x',
      'https://shop.test#y',
      'HTTPS://Shop.TEST/a',
      'https://Shop.TEST/a',
      'https:///shop.test/x', // extra slashes are skipped: not the empty authority
      'https:shop.test/x',
      'https://user:pw@evil.test/',
      'https://shop.test@evil.test/',
      'https://shop.test\\evil.test/',
      'https://shop.test:8443/',
      'https://shop.test:99999/',
      'https://0x7f.1/',
      'https://1.2.3/',
      'https://[::1]:8080/',
      'https://sh%6Fp.test/',
      'https://exa mple.test/',
      'https://exa\tmple.test/',
      'https://xn--nxasmq6b.test/',
      'https://xn--a.test/',
      'https://bücher.test/',
      'https://shop.test./',
      'https://a..b.test/',
      'http://shop.test/',
      'ftp://shop.test/',
      'not a url',
      '',
    ];
    for (let round = 0; round < 2; round++)
      // the second round from the cache
      for (const u of urls) expect({ u, host: hostnameOf(u) }).toEqual({ u, host: parsed(u) });
  });
});
