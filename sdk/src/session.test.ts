import { describe, expect, it } from 'vitest';
import type { Store } from './storage/cookie.js';
import type { SessionState } from './session.js';
import { SESSION_COOKIE, SESSION_TIMEOUT, decodeSession, nextSession, touchSession } from './session.js';
import { parseTouch } from './touch.js';
import { isUuid, uuid } from './ids.js';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const MIN = 60_000;

describe('decodeSession', () => {
  it('reads what touchSession writes and rejects anything else', () => {
    expect(decodeSession(`${ID}.200.100.abc`)).toEqual([ID, 200, 100, 'abc']);
    expect(decodeSession(`${ID}.200.100.`)).toEqual([ID, 200, 100, '']);
    expect(decodeSession(`${ID}.200.100`)).toEqual([ID, 200, 100, '']);
    expect(decodeSession(undefined)).toBeUndefined();
    expect(decodeSession('garbage')).toBeUndefined();
    expect(decodeSession(`${ID}.x.100.`)).toBeUndefined();
    expect(decodeSession(`not-a-uuid.200.100.`)).toBeUndefined();
  });
});

describe('nextSession', () => {
  const prev: SessionState = [ID, 1_000_000, 900_000, 'k1'];

  it('starts a session when there is none', () => {
    const [s, isNew] = nextSession(undefined, 5, '');
    expect(isNew).toBe(true);
    expect(isUuid(s[0])).toBe(true);
    expect(s).toEqual([s[0], 5, 5, '']);
  });

  it('continues within 30 minutes of the last activity and moves the last activity', () => {
    const now = prev[1] + 29 * MIN;
    expect(nextSession(prev, now, '')).toEqual([[ID, now, prev[2], 'k1'], false]);
  });

  it('ends after 30 minutes without activity', () => {
    const [s, isNew] = nextSession(prev, prev[1] + SESSION_TIMEOUT, '');
    expect(isNew).toBe(true);
    expect(s[0]).not.toBe(ID);
  });

  it('starts anew on another campaign or click id, not on the same one', () => {
    expect(nextSession(prev, prev[1] + MIN, 'k1')[1]).toBe(false);
    const [s, isNew] = nextSession(prev, prev[1] + MIN, 'k2');
    expect(isNew).toBe(true);
    expect(s[3]).toBe('k2');
  });
});

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
    expect(first.first).toEqual(first.touch);
    expect(first.touch.utm_campaign).toBe('may');
    expect(store.data[SESSION_COOKIE]).toMatch(new RegExp(`^${first.id}\\.${t0}\\.${t0}\\.[0-9a-z]+$`));

    // Next page, same session: no session start, the landing touch travels along.
    const t1 = t0 + 5 * MIN;
    const second = touchSession(store, vid, t1, parseTouch('https://shop.test/pricing', landing, t1));
    expect(second).toEqual({ id: first.id, touch: first.touch });

    // Back after 40 minutes through a search engine: new session, new touch, same first touch.
    const t2 = t1 + 40 * MIN;
    const third = touchSession(store, vid, t2, parseTouch('https://shop.test/blog', 'https://www.google.com/', t2));
    expect(third.id).not.toBe(first.id);
    expect(third.touch.referrer).toBe('https://www.google.com/');
    expect(third.first).toEqual(first.touch);
  });

  it('starts a new session on a new ad click within the timeout', () => {
    const store = memoryStore();
    const vid = uuid();
    const a = touchSession(store, vid, 1000, parseTouch('https://shop.test/?gclid=A', '', 1000));
    const b = touchSession(store, vid, 2000, parseTouch('https://shop.test/?gclid=A', '', 2000)); // reload
    const c = touchSession(store, vid, 3000, parseTouch('https://shop.test/?gclid=B', '', 3000));
    expect(b.id).toBe(a.id);
    expect(c.id).not.toBe(a.id);
    expect(c.touch.click_ids).toEqual({ gclid: 'B' });
  });

  it('falls back to a bare touch when the session touch is not in this storage (another subdomain)', () => {
    const store = memoryStore();
    store.set(SESSION_COOKIE, `${ID}.${5000}.${4000}.`, 1);
    expect(touchSession(store, uuid(), 6000, parseTouch('https://blog.shop.test/', '', 6000))).toEqual({
      id: ID,
      touch: { ts: 4000, referrer: '', landing_url: '' },
    });
  });
});
