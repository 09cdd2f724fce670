import { describe, expect, it } from 'vitest';
import type { ConsentEvent, PageviewEvent } from './protocol.js';
import type { ConsentState } from './consent.js';
import { isChoice, nextState, privacySignal, startState, tracks } from './consent.js';
import { type Api, type FakeBrowser, LANDING, freshBrowserPerTest } from '../test/fake-browser.js';

describe('consent state machine', () => {
  it('starts from the mode when nothing was chosen', () => {
    expect(startState(false, undefined, false)).toBe('not-required');
    expect(startState(true, undefined, false)).toBe('pending');
  });

  it('a remembered choice wins over the mode; anything else in the cookie is ignored', () => {
    expect(startState(true, 'granted', false)).toBe('granted');
    expect(startState(false, 'denied', false)).toBe('denied');
    expect(startState(true, 'yes', false)).toBe('pending');
  });

  it('the privacy signal (when the site honours it) is a denial, even over a remembered grant', () => {
    expect(startState(false, undefined, true)).toBe('denied');
    expect(startState(true, 'granted', true)).toBe('denied');
  });

  it('a choice replaces any state; no choice or nonsense leaves it; nothing overrides the signal', () => {
    const all: ConsentState[] = ['granted', 'denied', 'pending', 'not-required'];
    for (const from of all) {
      expect(nextState(from, 'granted', false)).toBe('granted');
      expect(nextState(from, 'denied', false)).toBe('denied');
      expect(nextState(from, undefined, false)).toBe(from);
      expect(nextState(from, 'maybe', false)).toBe(from);
      expect(nextState(from, 'granted', true)).toBe(from);
    }
  });

  it('tracks only with consent or where none is required', () => {
    expect((['granted', 'denied', 'pending', 'not-required'] as const).filter(tracks)).toEqual([
      'granted',
      'not-required',
    ]);
    expect([isChoice('granted'), isChoice('denied'), isChoice('pending'), isChoice(1)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('reads Global Privacy Control and Do Not Track', () => {
    expect(privacySignal({})).toBe(false);
    expect(privacySignal({ globalPrivacyControl: false, doNotTrack: '0' })).toBe(false);
    expect(privacySignal({ doNotTrack: 'unspecified' })).toBe(false);
    expect(privacySignal({ globalPrivacyControl: true })).toBe(true);
    expect(privacySignal({ doNotTrack: '1' })).toBe(true);
  });
});

describe('consent in the browser (fake browser)', () => {
  const NIL = '00000000-0000-0000-0000-000000000000';
  let b: FakeBrowser;
  freshBrowserPerTest((fresh) => (b = fresh));
  const events = async () => (await b.flush()).flatMap((x) => x.events);
  const ourKeys = () => Object.keys(b.storage).filter((k) => k.startsWith('_cl_'));

  it('required: nothing kept and nothing sent until granted; then the landing campaign is the first touch', async () => {
    let cl = await b.load(LANDING, 'https://mail.example.com/');
    cl.init({ site: 'pk', consent: 'required', consentPolicy: '2026-05' });
    cl.track('clicked');
    cl.identify('ann@example.com');
    expect(await events()).toEqual([]);
    expect([b.cookieWrites, ourKeys()]).toEqual([[], []]);
    expect([cl.consent(), cl.getVisitorId()]).toEqual(['pending', undefined]);

    history.pushState({}, '', '/pricing'); // the landing touch is kept in memory only
    expect(cl.consent('granted')).toBe('granted');
    const [grant, view, ...more] = (await events()) as [ConsentEvent, PageviewEvent];
    expect(more).toEqual([]);
    expect(grant).toMatchObject({
      type: 'consent',
      state: 'granted',
      policy: '2026-05',
      visitor_id: cl.getVisitorId(),
      session_start: true,
    });
    expect(grant.first_touch).toMatchObject({
      utm_campaign: 'may',
      referrer: 'https://mail.example.com/',
      landing_url: LANDING,
      click_ids: { gclid: 'G1' },
    });
    expect(grant.touch).toEqual(grant.first_touch);
    // The page view that waited, in the same session.
    expect(view).toMatchObject({
      type: 'pageview',
      url: 'https://www.shop.test/pricing',
      session_id: grant.session_id,
      visitor_id: grant.visitor_id,
    });
    expect(b.jar.get('_cl_vid')?.value).toBe(grant.visitor_id);
    expect(b.jar.get('_cl_consent')?.value).toBe('granted');

    // Later pages know the choice.
    cl = await b.load('https://www.shop.test/blog');
    cl.init({ site: 'pk', consent: 'required' });
    const [next] = await events();
    expect(next).toMatchObject({ type: 'pageview', visitor_id: grant.visitor_id, session_id: grant.session_id });
    expect(cl.consent()).toBe('granted');
  });

  it('required + cookieless: page views with the zero UUID and no storage while pending; no second view at the grant', async () => {
    const cl = await b.load(LANDING, 'https://mail.example.com/');
    cl.init({ site: 'pk', consent: 'required', cookieless: true });
    history.pushState({}, '', '/pricing');
    cl.track('clicked');
    const pending = await events();
    expect(pending.map((e) => [e.type, e.url, e.visitor_id, e.session_id, e.session_start, e.first_touch])).toEqual([
      ['pageview', LANDING, NIL, NIL, undefined, undefined],
      ['pageview', 'https://www.shop.test/pricing', NIL, NIL, undefined, undefined],
    ]);
    expect(pending[0]!.touch.utm_campaign).toBe('may');
    expect([b.cookieWrites, ourKeys()]).toEqual([[], []]);

    cl.consent('granted');
    const [grant, ...more] = (await events()) as [ConsentEvent];
    expect(more).toEqual([]);
    expect(grant).toMatchObject({
      state: 'granted',
      session_start: true,
      first_touch: { utm_campaign: 'may', landing_url: LANDING },
    });
    expect(ourKeys()).toContain('_cl_ft');
  });

  it('withdrawal: cookies and storage deleted, one denial without identifier, then nothing', async () => {
    let cl = await b.load(LANDING);
    cl.init({ site: 'pk' });
    expect(cl.consent()).toBe('not-required');
    await events();
    expect(b.jar.has('_cl_vid') && b.jar.has('_cl_ses')).toBe(true);

    expect(cl.consent('denied')).toBe('denied');
    // Sent at once (by beacon): the visitor may leave right after.
    const [denial, ...more] = b.sent.splice(0).flatMap((x) => x.events) as [ConsentEvent];
    expect(more).toEqual([]);
    expect(denial).toMatchObject({ type: 'consent', state: 'denied', visitor_id: NIL, session_id: NIL });
    expect(denial.first_touch).toBeUndefined();
    expect([...b.jar.keys()]).toEqual(['_cl_consent']);
    expect(b.jar.get('_cl_consent')?.value).toBe('denied');
    expect(ourKeys()).toEqual([]);
    expect(cl.consent('denied')).toBe('denied');
    cl.track('after');
    cl.page();
    b.doc.visibilityState = 'hidden';
    b.doc.dispatchEvent(new Event('visibilitychange'));
    expect(await events()).toEqual([]);
    expect([...b.jar.keys(), ...ourKeys()]).toEqual(['_cl_consent']);

    // Next page: still denied, nothing sent, nothing kept; getVisitorId() has none.
    cl = await b.load('https://www.shop.test/next');
    cl.init({ site: 'pk' });
    expect(await events()).toEqual([]);
    expect([cl.consent(), cl.getVisitorId()]).toEqual(['denied', undefined]);
  });

  it('Global Privacy Control and Do Not Track count as a denial when the site opts in', async () => {
    let cl = await b.load(LANDING, '', () => Object.assign(navigator, { globalPrivacyControl: true }));
    cl.init({ site: 'pk', respectGpc: true });
    expect(cl.consent('granted')).toBe('denied');
    expect(await events()).toEqual([]);
    expect([b.cookieWrites, ourKeys()]).toEqual([[], []]);

    cl = await b.load(LANDING, '', () => Object.assign(navigator, { doNotTrack: '1' }));
    cl.init({ site: 'pk', respectGpc: 'true' });
    expect(cl.consent()).toBe('denied');

    cl = await b.load(LANDING, '', () => Object.assign(navigator, { globalPrivacyControl: true }));
    cl.init({ site: 'pk' }); // not opted in
    expect(cl.consent()).toBe('not-required');
    expect((await events()).map((e) => e.type)).toEqual(['pageview']);
  });

  it('a choice made before init() applies at init()', async () => {
    const cl = await b.load(LANDING);
    expect(cl.consent('granted')).toBeUndefined();
    cl.init({ site: 'pk', consent: 'required' });
    expect(cl.consent()).toBe('granted');
    expect((await events()).map((e) => e.type)).toEqual(['consent', 'pageview']);
  });

  it('the script tag reads data-consent, data-cookieless, data-consent-policy and replays a queued consent', async () => {
    await b.load(LANDING, '', (br) => {
      br.doc.currentScript = {
        src: 'https://collector.test/cl.js',
        dataset: { site: 'pk', consent: 'required', cookieless: '', consentPolicy: 'v2' },
      };
      br.win.closeloop = { q: [['consent', 'granted']] };
    });
    await import('./browser.js');
    const api = b.win.closeloop as Api;
    expect(api.consent()).toBe('granted');
    const sent = await events();
    expect(sent.map((e) => [e.type, e.visitor_id == NIL])).toEqual([
      ['pageview', true],
      ['consent', false],
    ]);
    expect(sent[1]).toMatchObject({ policy: 'v2' });
  });
});
