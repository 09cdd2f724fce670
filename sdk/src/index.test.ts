/** The SDK end to end in a fake browser (../test/fake-browser.ts): each "page load" re-imports the modules. */
import { describe, expect, it, vi } from 'vitest';
import type { CustomEvent, PageviewEvent } from './protocol.js';
import { isUuid, wireId } from './ids.js';
import { type FakeBrowser, LANDING, freshBrowserPerTest } from '../test/fake-browser.js';

let b: FakeBrowser;
freshBrowserPerTest((fresh) => (b = fresh));

describe('closeloop SDK', () => {
  it('records the first page view with visitor, session and touch', async () => {
    const cl = await b.load(LANDING, 'https://mail.example.com/inbox');
    const t0 = Date.now();
    cl.init({ site: 'pk_test', endpoint: 'https://collector.test/' });
    const [batch, ...more] = await b.flush();
    expect(more).toEqual([]);
    expect(batch).toMatchObject({ site: 'pk_test', sdk: 'dev', sent_at: t0 + 1000 });
    const [e] = batch!.events as [PageviewEvent];
    expect(e).toMatchObject({
      type: 'pageview',
      ts: t0,
      url: LANDING,
      page_referrer: 'https://mail.example.com/inbox',
      title: 'Title of /',
      session_start: true,
      touch: {
        ts: t0,
        referrer: 'https://mail.example.com/inbox',
        landing_url: LANDING,
        utm_source: 'newsletter',
        utm_medium: 'email',
        utm_campaign: 'may',
        click_ids: { gclid: 'G1' },
      },
    });
    expect(e.first_touch).toEqual(e.touch);
    expect([e.id, e.visitor_id, e.session_id].every(isUuid)).toBe(true);
    // The visitor cookie sits on the registrable domain, so every subdomain shares it.
    expect(b.jar.get('_cl_vid')).toEqual({ value: e.visitor_id, domain: 'shop.test' });
    expect(cl.getVisitorId()).toBe(e.visitor_id);
  });

  it('keeps visitor and session across page loads and subdomains; a new session after 30 idle minutes', async () => {
    let cl = await b.load(LANDING, 'https://mail.example.com/');
    cl.init({ site: 'pk' });
    const [first] = (await b.flush())[0]!.events;

    vi.advanceTimersByTime(10 * 60_000);
    cl = await b.load('https://www.shop.test/pricing', LANDING);
    cl.init({ site: 'pk' });
    const [second] = (await b.flush())[0]!.events;
    expect(second).toMatchObject({
      visitor_id: first!.visitor_id,
      session_id: first!.session_id,
      touch: first!.touch,
      page_referrer: LANDING,
    });
    expect(second!.session_start).toBeUndefined();
    expect(second!.first_touch).toBeUndefined();

    vi.advanceTimersByTime(31 * 60_000);
    cl = await b.load('https://blog.shop.test/post', 'https://www.google.com/');
    const t2 = Date.now();
    cl.init({ site: 'pk' });
    const [third] = (await b.flush())[0]!.events;
    expect(third).toMatchObject({ visitor_id: first!.visitor_id, session_start: true, first_touch: first!.touch });
    expect(third!.session_id).not.toBe(first!.session_id);
    expect(third!.touch).toEqual({
      ts: t2,
      referrer: 'https://www.google.com/',
      landing_url: 'https://blog.shop.test/post',
    });
  });

  it('tracks custom events with clean props, and never throws', async () => {
    const cl = await b.load('https://www.shop.test/');
    cl.track('too early');
    cl.init({ site: 'pk' });
    cl.track('signup', { plan: 'pro', seats: 3, bad: { nested: 1 } as unknown as string });
    cl.track(42 as unknown as string);
    cl.track('');
    // The page's own object throws when the SDK reads it: the error stays in the SDK (track returns),
    // that event is dropped, and tracking goes on (the next event is recorded).
    const hostile = Object.defineProperty({}, 'plan', {
      enumerable: true,
      get: () => {
        throw new Error('host getter');
      },
    });
    expect(() => cl.track('hostile', hostile)).not.toThrow();
    cl.track('x'.repeat(200));
    const events = (await b.flush()).flatMap((x) => x.events);
    expect(events.map((e) => e.type)).toEqual(['pageview', 'custom', 'custom']);
    const [, signup, long] = events as [PageviewEvent, CustomEvent, CustomEvent];
    expect(signup).toMatchObject({
      name: 'signup',
      props: { plan: 'pro', seats: 3 },
      session_id: events[0]!.session_id,
    });
    expect(signup.session_start).toBeUndefined();
    expect(long.name).toHaveLength(128);
    expect('props' in JSON.parse(JSON.stringify(long))).toBe(false);
  });

  it('counts SPA navigations once per path+search, with the previous page as referrer', async () => {
    const cl = await b.load('https://app.shop.test/start', 'https://ref.test/');
    cl.init({ site: 'pk' });
    history.pushState({}, '', '/a');
    history.pushState({}, '', '/a');
    history.replaceState({}, '', '/a#tab');
    history.pushState({}, '', '/b?x=1');
    const events = (await b.flush()).flatMap((x) => x.events);
    expect(events.map((e) => [e.url, e.page_referrer])).toEqual([
      ['https://app.shop.test/start', 'https://ref.test/'],
      ['https://app.shop.test/a', 'https://app.shop.test/start'],
      ['https://app.shop.test/b?x=1', 'https://app.shop.test/a'], // the hash change was no page view
    ]);
    expect(new Set(events.map((e) => e.session_id)).size).toBe(1);
  });

  it('does not follow history with spa: false; page() records a view by hand', async () => {
    const cl = await b.load('https://app.shop.test/start');
    cl.init({ site: 'pk', spa: false, autoPageview: false });
    history.pushState({}, '', '/a');
    cl.page();
    const events = (await b.flush()).flatMap((x) => x.events);
    expect(events.map((e) => e.url)).toEqual(['https://app.shop.test/a']);
  });

  it('flushes at once when the page is hidden', async () => {
    const cl = await b.load('https://www.shop.test/');
    cl.init({ site: 'pk' });
    b.doc.visibilityState = 'hidden';
    b.doc.dispatchEvent(new Event('visibilitychange'));
    expect(b.beacons).toBe(1);
    expect(b.sent.flatMap((x) => x.events).map((e) => e.type)).toEqual(['pageview']);
  });

  it('records a page view when the page comes back from the back/forward cache', async () => {
    const cl = await b.load('https://www.shop.test/');
    cl.init({ site: 'pk' });
    b.win.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: false }));
    b.win.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    const events = (await b.flush()).flatMap((x) => x.events);
    expect(events.map((e) => e.type)).toEqual(['pageview', 'pageview']);
  });

  it('keeps sending with an in-memory visitor id when cookies are blocked', async () => {
    b.cookiesEnabled = false;
    const cl = await b.load('https://www.shop.test/');
    cl.init({ site: 'pk' });
    cl.track('clicked');
    const events = (await b.flush()).flatMap((x) => x.events);
    expect(events).toHaveLength(2);
    expect(isUuid(cl.getVisitorId())).toBe(true);
    expect(events.every((e) => e.visitor_id == cl.getVisitorId() && e.session_id == events[0]!.session_id)).toBe(true);
  });

  it('wire format 3 (2 by position): the touch goes once per session, relative to its event; a new visitor sends no first touch; engagement rides with what is unsent', async () => {
    let cl = await b.load(LANDING, 'https://mail.example.com/inbox');
    cl.init({ site: 'pk' });
    cl.track('signup');
    await b.flush();
    // As sent: the fields every event has by position, the title next, the others by name.
    const v = wireId(cl.getVisitorId()!);
    const [, , , , [view3, signup3]] = b.raw[0] as [3, string, number, string, unknown[][]];
    expect(b.raw.splice(0)).toEqual([[3, 'pk', Date.now().toString(36), 'dev', [view3, signup3]]]);
    const r = 'https://mail.example.com/inbox';
    expect(view3).toEqual([
      'p',
      1, // the session's first event (session.ts numbers them)
      1000,
      v,
      expect.any(String),
      LANDING,
      expect.any(String),
      { r, o: {} },
    ]);
    expect(signup3).toEqual(['c', 2, 1000, v, view3![4], LANDING, view3![6], { r, n: 'signup' }]);
    type Wire = { v: number; k: string; t: number; e: Record<string, unknown>[] };
    const [first] = b.wire.splice(0) as Wire[];
    expect(first).toMatchObject({ v: 2, k: 'pk', t: Date.now() });
    const [view, signup] = first!.e;
    // The landing page: the touch is the event's own URL and referrer, so `o` is empty; no `f`.
    expect(view).toMatchObject({ y: 'p', t: 1000, u: LANDING, r: 'https://mail.example.com/inbox', o: {} });
    // Numbered in the session (session.ts): the collector keys repeats by the number.
    expect([view!.i, signup!.i]).toEqual([1, 2]);
    expect('f' in view!).toBe(false);
    expect(signup).toMatchObject({ y: 'c', n: 'signup' });
    expect('o' in signup!).toBe(false);

    // The next page of the session: no touch on the wire, the same touch in the collector's rows.
    vi.advanceTimersByTime(60_000);
    cl = await b.load('https://www.shop.test/pricing', LANDING);
    cl.init({ site: 'pk' });
    // Left within the flush delay: the page view and its engagement go in one beacon.
    vi.advanceTimersByTime(500);
    b.doc.visibilityState = 'hidden';
    b.doc.dispatchEvent(new Event('visibilitychange'));
    expect(b.beacons).toBe(1);
    const [exit] = b.wire.splice(0) as Wire[];
    expect(exit!.e.map((e) => [e.y, 'o' in e, 'h' in e])).toEqual([
      ['p', false, true],
      ['e', false, false],
    ]);
    const rows = b.sent.splice(0).flatMap((x) => x.events);
    expect(rows.map((e) => e.touch.utm_campaign)).toEqual(['may', 'may']);
    expect(rows[1]).toMatchObject({ type: 'custom', name: 'engagement', props: { ms: 500 } });
  });

  it('probes the cookie domain once per browser session (a probe reads back, and waits on the browser)', async () => {
    for (const [page, probe] of [
      [LANDING, ['_cl_t']],
      ['https://www.shop.test/next', []], // the domain the first page found
      ['https://blog.shop.test/', []], // another subdomain of the site
    ] as const) {
      b.cookieWrites = [];
      const cl = await b.load(page);
      cl.init({ site: 'pk' });
      expect(
        b.cookieWrites.map((w) => w.split('=')[0]),
        page,
      ).toEqual([...probe, '_cl_vid', '_cl_ses']);
      expect(b.jar.get('_cl_vid')).toEqual({ value: cl.getVisitorId(), domain: 'shop.test' });
      await b.flush();
    }
    // Kept (its value: the domain found) as a browser-session cookie.
    expect(b.jar.get('_cl_t')).toEqual({ value: 'shop.test', domain: 'shop.test' });
  });

  it('takes the host itself as cookie domain without a probe when it is the only candidate', async () => {
    const cl = await b.load('https://shop.test/');
    cl.init({ site: 'pk' });
    expect(b.cookieWrites.map((w) => w.split('=')[0])).toEqual(['_cl_vid', '_cl_ses']);
    expect(b.jar.get('_cl_vid')).toEqual({ value: cl.getVisitorId(), domain: 'shop.test' });
    expect(b.jar.get('_cl_ses')?.domain).toBe('shop.test');
  });

  it('honours cookieName and cookieDomain', async () => {
    const cl = await b.load('https://www.shop.test/');
    cl.init({ site: 'pk', cookieName: 'vid', cookieDomain: 'www.shop.test' });
    expect(b.jar.get('vid')).toEqual({ value: cl.getVisitorId(), domain: 'www.shop.test' });
  });

  it('ignores init without a site, and a second init', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const cl = await b.load('https://www.shop.test/');
    expect(() => cl.init({} as { site: string })).not.toThrow();
    expect(warn).toHaveBeenCalled();
    cl.init({ site: 'pk1' });
    cl.init({ site: 'pk2' });
    const batches = await b.flush();
    expect(batches.map((x) => x.site)).toEqual(['pk1']);
    warn.mockRestore();
  });
});

describe('script tag build (browser.ts)', () => {
  const tag = (dataset: Record<string, string>) => ({ src: 'https://collector.test/cl.js', dataset });

  it('inits from data-*, exposes window.closeloop and replays the pre-load queue', async () => {
    const urls: string[] = [];
    await b.load('https://www.shop.test/', '', (br) => {
      br.doc.currentScript = tag({ site: 'pk_tag' });
      br.win.closeloop = { q: [['track', 'early', { a: 1 }], ['nope'], ['page']] };
      const send = fetch;
      vi.stubGlobal('fetch', (u: string, i: RequestInit) => (urls.push(u), send(u, i)));
    });
    await import('./browser.js');
    const api = b.win.closeloop as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['consent', 'getVisitorId', 'identify', 'init', 'page', 'track']);
    const events = (await b.flush()).flatMap((x) => x.events);
    expect(events.map((e) => (e.type == 'custom' ? e.name : e.type))).toEqual(['pageview', 'early', 'pageview']);
    expect(urls).toEqual(['https://collector.test/v1/events']);
  });

  it('without data-site, a queued init starts it', async () => {
    await b.load('https://www.shop.test/', '', (br) => {
      br.doc.currentScript = tag({});
      br.win.closeloop = { q: [['init', { site: 'pk_q', endpoint: 'https://c.test' }]] };
    });
    await import('./browser.js');
    const batches = await b.flush();
    expect(batches.map((x) => x.site)).toEqual(['pk_q']);
  });
});
