import { describe, expect, it } from 'vitest';
import type { Store } from './storage/cookie.js';
import { SESSION_COOKIE, SESSION_TIMEOUT, touchSession } from './session.js';
import { TOUCH_URL, TOUCH_VALUE, parseTouch } from './touch.js';
import { isUuid, uuid } from './ids.js';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const MIN = 60_000;

function memoryStore(): Store & { data: Record<string, string> } {
  const data: Record<string, string> = {};
  return { data, get: (n) => data[n], set: (n, v) => void (data[n] = v) };
}

describe('touchSession', () => {
  const landing = 'https://shop.test/?utm_source=news&utm_medium=email&utm_campaign=may';

  it('marks the first event, keeps the session touch for later pages and sends the first touch', () => {
    const store = memoryStore();
    const vid = uuid();
    const t0 = 1_700_000_000_000;
    const first = touchSession(store, vid, t0, parseTouch(landing, 'https://mail.test/', t0));
    expect(isUuid(first.id)).toBe(true);
    expect(first.first).toEqual(first.touch);
    expect(first.touch.utm_campaign).toBe('may');
    expect(JSON.parse(store.data[SESSION_COOKIE]!)).toEqual([first.id, t0, first.touch]);

    // Next page (any subdomain: the cookie is shared), same session: no session start, the landing touch travels along.
    const t1 = t0 + 5 * MIN;
    const second = touchSession(store, vid, t1, parseTouch('https://blog.shop.test/pricing', landing, t1));
    expect(second).toEqual({ id: first.id, touch: first.touch });
    expect(JSON.parse(store.data[SESSION_COOKIE]!)[1]).toBe(t1);

    // 29 minutes later it still continues; back after 40 minutes through a search engine: new session, new touch, same first touch.
    expect(touchSession(store, vid, t1 + 29 * MIN, parseTouch('https://shop.test/', '', t1)).id).toBe(first.id);
    const t2 = t1 + 29 * MIN + SESSION_TIMEOUT;
    const third = touchSession(store, vid, t2, parseTouch('https://shop.test/blog', 'https://www.google.com/', t2));
    expect(third.id).not.toBe(first.id);
    expect(third.touch.referrer).toBe('https://www.google.com/');
    expect(third.first).toEqual(first.touch);
  });

  it('starts a new session on a new ad click or campaign within the timeout, not on the same one', () => {
    const store = memoryStore();
    const vid = uuid();
    const a = touchSession(store, vid, 1000, parseTouch('https://shop.test/?gclid=A', '', 1000));
    const b = touchSession(store, vid, 2000, parseTouch('https://shop.test/?gclid=A', '', 2000)); // reload
    const c = touchSession(store, vid, 3000, parseTouch('https://shop.test/?gclid=B', '', 3000));
    const d = touchSession(store, vid, 4000, parseTouch('https://shop.test/?gclid=B&utm_campaign=x', '', 4000));
    expect(b.id).toBe(a.id);
    expect(c.id).not.toBe(a.id);
    expect(c.touch.click_ids).toEqual({ gclid: 'B' });
    expect(d.id).not.toBe(c.id);
  });

  it('starts a new session when the cookie is not one of ours', () => {
    const store = memoryStore();
    for (const v of ['garbage', `${ID}.5000.4000.`, JSON.stringify(['nope', 5000, { ts: 1 }]), JSON.stringify([ID, 5000, null])]) {
      store.set(SESSION_COOKIE, v);
      const s = touchSession(store, uuid(), 6000, parseTouch('https://blog.shop.test/', '', 6000));
      expect(s.id).not.toBe(ID);
      expect(s.touch.landing_url).toBe('https://blog.shop.test/');
    }
  });

  it('keeps the cookie bounded whatever the URLs', () => {
    const long = 'https://shop.test/?' + ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'].map((k) => `${k}=${'x'.repeat(256)}`).join('&')
      + ['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id', 'twclid'].map((k) => `&${k}=${'y'.repeat(512)}`).join('') + '&p=' + 'z'.repeat(2000);
    const store = memoryStore();
    const t = touchSession(store, uuid(), 1, parseTouch(long, 'https://ref.test/' + 'r'.repeat(2000), 1)).touch;
    // Browsers keep a cookie of up to 4096 bytes (name + value); js-cookie encodes the value.
    expect(encodeURIComponent(store.get(SESSION_COOKIE)!).length + SESSION_COOKIE.length).toBeLessThan(4000);
    expect(t.landing_url).toHaveLength(TOUCH_URL);
    expect(t.utm_source).toHaveLength(TOUCH_VALUE);
  });
});
