/**
 * The tracker behind the public API: builds events from the page and the session, puts them in the
 * outbox, and follows the page's life — prerendering (counted once shown), SPA navigations,
 * back/forward-cache restores, clicks, and engagement: the time the page was visible, sent as an
 * engagement event (`y: 'e'`, no title nor page referrer; stored as custom event `engagement` with prop `ms`) when the
 * page is hidden or left, or navigated away from
 * in an SPA (each report covers the time since the last one; their sum is the page's engaged time;
 * it goes in the same request as what is still unsent, e.g. the next page view of an SPA).
 * Events are built as wire format 3 arrays (protocol.ts: wire format 2's fields, the common ones by position).
 * Consent (consent.ts) gates all of it: without it, no cookie, no storage and no identifier.
 */
import type { ClEventV2 } from './protocol.js';
import type { ConsentState } from './consent.js';
import type { Config } from './config.js';
import { CORE, VERSION } from './config.js';
import { isUuid, uuid, wireId } from './ids.js';
import { MAX_EMAIL, MAX_NAME, MAX_TITLE, MAX_URL, cleanProps, clip } from './limits.js';
import { DOMAIN_COOKIE, cookieStore } from './storage/cookie.js';
import { createQueue } from './queue.js';
import { SESSION_COOKIE, touchSession, type Landing } from './session.js';
import { CONSENT_COOKIE, CONSENT_DAYS, NIL, nextState, privacySignal, startState, tracks } from './consent.js';
import { forget, useStorage } from './storage/local.js';
import { watchHistory } from './spa.js';
import { watchClicks } from './clicks.js';
import { watchForms } from './forms.js';

/** Visitor cookie lifetime in days (the most browsers allow). */
export const VISITOR_DAYS = 400;

export interface Tracker {
  readonly visitorId: string;
  page(): void;
  track(name: unknown, props?: unknown): void;
  identify(who: unknown, traits?: unknown): void;
  /** Records a choice (`'granted'` | `'denied'`) and returns the consent state; without one, only returns it. */
  consent(choice?: unknown): ConsentState;
}

/**
 * An event as the outbox keeps it: its wire format 3 array (protocol.ts `ClEventV3`: type, number in
 * the session (an anonymous event: a random string), time, visitor, session, URL, title or an
 * engagement's ms, the other fields by name), with its own time, made relative when sent.
 */
type Kept = [y: string, i: string | number, t: number, v: string, s: string, u: string, h: unknown, rest: object];

export function createTracker(cfg: Config, choice?: unknown): Tracker {
  const store = cookieStore(cfg.cookieDomain);
  const signal = cfg.respectGpc && privacySignal(navigator);
  let state = startState(cfg.consent, store.get(CONSENT_COOKIE), signal);
  let visitorId = '';
  /** Keeps `id` (when it is one) as the visitor id, else the current or a new one; rolls the cookie's expiry. */
  const adopt = (id?: unknown) =>
    tracks(state) && store.set(cfg.cookieName, (visitorId = isUuid(id) ? id : visitorId || uuid()), VISITOR_DAYS);
  /** Deletes our cookies (not the remembered choice) and storage, and switches storage off. */
  const wipe = () => {
    visitorId = '';
    for (const c of [cfg.cookieName, SESSION_COOKIE, DOMAIN_COOKIE]) if (store.get(c)) store.set(c, '', -1);
    forget();
  };
  if (state == 'denied') wipe();
  useStorage(tracks(state));
  adopt(store.get(cfg.cookieName));

  const queue = createQueue<Kept>(
    cfg.endpoint + '/v1/events',
    // Wire format 3 (contract/wire.ts): the outbox keeps each event as its v3 array already (see push),
    // with its own time; here that time becomes relative to the batch's (ms before it, fewer digits),
    // and the batch's time goes in base 36.
    (events, t = Date.now()) =>
      JSON.stringify([3, cfg.site, t.toString(36), VERSION, events.map(([y, i, at, ...o]) => [y, i, t - at, ...o])]),
    // The collector's own cookie knew this browser (Safari caps script-set cookies at 7 days).
    (a) => adopt(a.visitor_id),
  );

  /** The document's landing touch, in memory: the touch of the first session this page starts, also at a later grant. */
  let landing: Landing | undefined = { r: clip(document.referrer, MAX_URL), l: clip(location.href, MAX_URL) };
  let pageUrl = '';
  let pageReferrer = document.referrer;
  let shownAt = 0; // since when the page is visible (0: hidden)
  let unsent = false; // the current page's view waits for consent
  // `hidden` is true exactly when `visibilityState` is 'hidden' (prerendering included)
  const visible = () => !document.hidden;

  /**
   * Queues `e` with visitor, session and, on a session's first event, its touch; `anon`: with the zero
   * UUID as ids and the page's own touch (consent denials, and page views counted cookieless while
   * consent is pending). False when dropped.
   */
  const push = (e: Partial<ClEventV2>, url = location.href, anon?: boolean) => {
    if (!tracks(state) && !anon && !(anon = state == 'pending' && cfg.cookieless && e.y == 'p')) return false;
    const t = Date.now();
    const u = clip(url, MAX_URL);
    const r = clip(pageReferrer, MAX_URL);
    const c = (!anon && landing) || { r, l: u };
    // Anonymous events share the zero ids: a random `i` keeps them apart (a number would repeat).
    const [id, i, start, first] = anon ? [NIL, uuid().slice(24), true] : touchSession(store, visitorId, t, c);
    if (!anon) landing = undefined;
    // Wire format 3's array: the fields every event has by position, the title (an engagement's ms)
    // next, then the other fields by name; ids as 22 base64 characters.
    queue.push([
      e.y!,
      i,
      t,
      wireId(anon ? NIL : visitorId),
      wireId(id),
      u,
      // (an engagement's ms: more than 0)
      (e as { g?: number }).g || clip(document.title, MAX_TITLE) || undefined,
      {
        r: r || undefined,
        // Only what differs from the event: on a landing page, `{}`.
        o: start && { r: c.r != r ? c.r : undefined, l: c.l != u ? c.l : undefined },
        f: first,
        // Then the event's own fields: an event may leave one out (engagement: no page referrer; its
        // page view has it); its type and an engagement's ms are positions.
        ...e,
        y: undefined,
        g: undefined,
      },
    ]);
    return true;
  };

  const track = (name: unknown, props?: unknown) =>
    typeof name == 'string' && name && push({ y: 'c', n: clip(name, MAX_NAME), p: cleanProps(props) });

  /** An email (has an `@`) or the site's own user id, with optional traits. */
  const identify = (who: unknown, traits?: unknown) =>
    typeof who == 'string' &&
    (who = who.trim()) &&
    push({
      y: 'i',
      [(who as string).includes('@') ? 'm' : 'w']: clip(who as string, MAX_EMAIL),
      p: cleanProps(traits),
    });

  /** Reports the visible time of the current page not reported yet; `leaving`: the page is going (pagehide), not visible any more. */
  const engaged = (leaving?: boolean) => {
    const now = Date.now();
    const ms = shownAt && now - shownAt;
    shownAt = !leaving && visible() ? now : 0;
    if (ms > 0 && pageUrl) push({ y: 'e', g: ms, r: undefined }, pageUrl);
  };

  const page = () => {
    engaged();
    // After an SPA navigation, the page's referrer is the previous page.
    if (pageUrl && pageUrl != location.href) pageReferrer = pageUrl;
    pageUrl = location.href;
    unsent = !push({ y: 'p' });
  };

  const consent = (to?: unknown) => {
    const from = state;
    if ((state = nextState(from, to, signal)) != from) {
      store.set(CONSENT_COOKIE, state, CONSENT_DAYS);
      const e = { y: 'k', n: state, a: cfg.consentPolicy } as Partial<ClEventV2>;
      if (tracks(state)) {
        // Granted: a new visitor, whose first touch is this page's landing; then the view that waited.
        useStorage(true);
        adopt();
        push(e);
        if (unsent) unsent = !push({ y: 'p' }, pageUrl);
      } else {
        // Denied: our cookies and storage go, one denial without identifier goes out at once, then nothing.
        wipe();
        push(e, location.href, true);
        queue.leave();
      }
    }
    return state;
  };

  // pagehide and visibilitychange → hidden both come when a page is left, in either order: the
  // first reports the visible time, the second finds nothing left to report.
  const hide = () => {
    engaged(true);
    queue.leave();
  };
  addEventListener('pagehide', hide);
  document.addEventListener('visibilitychange', () => (visible() ? (shownAt ||= Date.now()) : hide()));

  const start = () => {
    if (cfg.autoPageview) page();
    else shownAt = visible() ? Date.now() : 0;
    // The core variant has no SPA tracking: an app calls page() after its navigations.
    if (!CORE && cfg.spa) watchHistory(page, cfg.hash);
    // A page restored from the back/forward cache is a page view its own scripts never see.
    addEventListener('pageshow', (e) => e.persisted && page());
    if (!CORE) {
      watchClicks(track, cfg.autocapture);
      // A form often navigates away at once: its event goes by beacon right now.
      watchForms((f) => {
        push({ y: 'f', ...f });
        queue.leave();
      }, cfg.forms);
    }
  };
  // A prerendered page counts once the visitor actually sees it (the page is activated once).
  if ((document as { prerendering?: boolean }).prerendering) document.addEventListener('prerenderingchange', start);
  else start();
  // A choice made before init (npm API).
  consent(choice);

  return {
    get visitorId() {
      return visitorId;
    },
    page,
    track,
    identify,
    consent,
  };
}
