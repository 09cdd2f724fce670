import { describe, expect, it } from 'vitest';
import type { Store } from './storage/cookie.js';
import { SESSION_COOKIE, SESSION_TIMEOUT, touchSession } from './session.js';
import { isUuid, uuid } from './ids.js';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const MIN = 60_000;

function memoryStore(): Store & { data: Record<string, string> } {
  const data: Record<string, string> = {};
  return { data, get: (n) => data[n], set: (n, v) => void (data[n] = v) };
}
const at = (l: string, r = '') => ({ r, l });

describe('touchSession', () => {
  const landing = 'https://shop.test/?utm_source=news&utm_medium=email&utm_campaign=may';

  it('starts a session on the first event, continues it on later pages, and keeps the first touch for later sessions', () => {
    const store = memoryStore();
    const vid = uuid();
    const t0 = 1_700_000_000_000;
    const first = touchSession(store, vid, t0, at(landing, 'https://mail.test/'));
    expect(isUuid(first[0])).toBe(true);
    // A new visitor's first session: its touch is the first touch, which is not sent twice.
    expect(first).toEqual([first[0], 1, true, undefined]);
    expect(JSON.parse(store.data[SESSION_COOKIE]!)[0]).toBe(first[0]);

    // Next page (any subdomain: the cookie is shared), same session: not a start, no touch.
    const t1 = t0 + 5 * MIN;
    expect(touchSession(store, vid, t1, at('https://blog.shop.test/pricing', landing))).toEqual([first[0], 2]);
    expect(JSON.parse(store.data[SESSION_COOKIE]!)[1]).toBe(t1);

    // 29 minutes later it still continues; back after 40 minutes through a search engine: a new session, with the first touch.
    expect(touchSession(store, vid, t1 + 29 * MIN, at('https://shop.test/'))[0]).toBe(first[0]);
    const t2 = t1 + 29 * MIN + SESSION_TIMEOUT;
    const third = touchSession(store, vid, t2, at('https://shop.test/blog', 'https://www.google.com/'));
    expect(third[0]).not.toBe(first[0]);
    // Numbered from 1 again in the new session.
    expect(third.slice(1)).toEqual([1, true, { t: t0, r: 'https://mail.test/', l: landing }]);
    // Another visitor id (adopted from the collector's cookie) has its own first touch.
    expect(touchSession(store, uuid(), t2 + SESSION_TIMEOUT, at('https://shop.test/'))[3]).toBeUndefined();
  });

  it('starts a new session on a new ad click or campaign within the timeout, not on the same one nor on none', () => {
    const store = memoryStore();
    const vid = uuid();
    const a = touchSession(store, vid, 1000, at('https://shop.test/?gclid=A'));
    const b = touchSession(store, vid, 2000, at('https://shop.test/?gclid=A')); // reload
    const n = touchSession(store, vid, 2500, at('https://shop.test/other')); // no campaign
    const c = touchSession(store, vid, 3000, at('https://shop.test/?gclid=B'));
    const d = touchSession(store, vid, 4000, at('https://shop.test/?gclid=B&utm_campaign=x'));
    expect(b[0]).toBe(a[0]);
    expect(n[0]).toBe(a[0]);
    expect(c[0]).not.toBe(a[0]);
    expect(c[2]).toBe(true);
    expect(d[0]).not.toBe(c[0]);
  });

  it("starts a new session when the cookie is not one of ours; continues one of SDK 0.1's", () => {
    const store = memoryStore();
    for (const v of [
      'garbage',
      `${ID}.5000.4000.`,
      JSON.stringify(['nope', 5000, '']),
      JSON.stringify([ID, 'x', '']),
    ]) {
      store.set(SESSION_COOKIE, v);
      const s = touchSession(store, uuid(), 6000, at('https://blog.shop.test/'));
      expect(s[0]).not.toBe(ID);
      expect(s.slice(1, 3)).toEqual([1, true]);
    }
    store.set(SESSION_COOKIE, JSON.stringify([ID, 5000, { ts: 1, referrer: '', landing_url: 'https://shop.test/' }]));
    expect(touchSession(store, uuid(), 6000, at('https://blog.shop.test/'))).toEqual([ID, 1]);
  });

  it('numbers the events of a session on, whichever tab or page counts them; anything else in the cookie still a whole number', () => {
    const store = memoryStore();
    const vid = uuid();
    const ids = Array.from({ length: 18 }, (_, k) => touchSession(store, vid, 1000 + k, at('https://shop.test/'))[1]);
    expect(ids).toEqual(Array.from({ length: 18 }, (_, k) => k + 1));
    // Another page of the same session reads the same cookie: it numbers on.
    const [id, n] = touchSession(store, vid, 2000, at('https://shop.test/b'));
    expect(n).toBe(19);
    expect(JSON.parse(store.data[SESSION_COOKIE]!)).toEqual([id, 2000, '', 19]);
    for (const [bad, want] of [
      ['x', 1],
      [null, 1],
      [3.7, 4],
      // the collector takes the number modulo 2³² (ingest/wire-v2.ts)
      [2 ** 31 - 1, 2 ** 31],
      [2 ** 31, 1 - 2 ** 31],
    ] as const) {
      store.set(SESSION_COOKIE, JSON.stringify([ID, 2000, '', bad]));
      expect(touchSession(store, vid, 2001, at('https://shop.test/'))).toEqual([ID, want]);
    }
  });

  it('keeps the cookie small whatever the URLs', () => {
    const long =
      'https://shop.test/?' +
      ['utm_source', 'utm_medium', 'utm_campaign'].map((k) => `${k}=${'x'.repeat(256)}`).join('&') +
      ['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id', 'twclid']
        .map((k) => `&${k}=${'y'.repeat(512)}`)
        .join('') +
      '&p=' +
      'z'.repeat(2000);
    const store = memoryStore();
    touchSession(store, uuid(), 1, at(long.slice(0, 2048), 'https://ref.test/' + 'r'.repeat(2000)));
    // Browsers keep a cookie of up to 4096 bytes (name + value); js-cookie encodes the value.
    expect(encodeURIComponent(store.get(SESSION_COOKIE)!).length + SESSION_COOKIE.length).toBeLessThan(4000);
  });
});
