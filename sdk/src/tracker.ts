/**
 * The tracker behind the public API: builds events from the page and the session, puts them in the
 * outbox, and follows the page's life — prerendering (counted once shown), SPA navigations,
 * back/forward-cache restores, clicks, and engagement: the time the page was visible, sent as a
 * custom event `engagement` with prop `ms` when the page is hidden or left, or navigated away from
 * in an SPA (each report covers the time since the last one; their sum is the page's engaged time).
 */
import type { ClEvent } from './protocol.js';
import type { Config } from './config.js';
import { VERSION } from './config.js';
import { isUuid, uuid } from './ids.js';
import { MAX_EMAIL, MAX_NAME, MAX_TITLE, MAX_URL, cleanProps, clip } from './limits.js';
import { cookieStore } from './storage/cookie.js';
import { createQueue } from './queue.js';
import { touchSession } from './session.js';
import { parseTouch } from './touch.js';
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
}

export function createTracker(cfg: Config): Tracker {
  const store = cookieStore(cfg.cookieDomain);
  let visitorId = '';
  /** Keeps `id` (when it is one) as the visitor id, else the current or a new one; rolls the cookie's expiry. */
  const adopt = (id?: unknown) => store.set(cfg.cookieName, (visitorId = isUuid(id) ? id : visitorId || uuid()), VISITOR_DAYS);
  adopt(store.get(cfg.cookieName));

  const queue = createQueue(
    cfg.endpoint + '/v1/events',
    (events) => JSON.stringify({ site: cfg.site, sent_at: Date.now(), sdk: VERSION, events }),
    // The collector's own cookie knew this browser (Safari caps script-set cookies at 7 days).
    (a) => adopt(a.visitor_id),
  );

  let pageUrl = '';
  let pageReferrer = document.referrer;
  let shownAt = 0; // since when the page is visible (0: hidden)
  let spent = 0; // visible ms not yet reported
  const visible = () => document.visibilityState != 'hidden';

  const push = (e: Partial<ClEvent>, url = location.href) => {
    const ts = Date.now();
    const s = touchSession(store, visitorId, ts, parseTouch(url, pageReferrer, ts));
    queue.push({
      ...e,
      id: uuid(),
      ts,
      visitor_id: visitorId,
      session_id: s.id,
      url: clip(url, MAX_URL),
      page_referrer: clip(pageReferrer, MAX_URL),
      title: clip(document.title, MAX_TITLE),
      touch: s.touch,
      session_start: s.first && true,
      first_touch: s.first,
    } as ClEvent);
  };

  const track = (name: unknown, props?: unknown, url?: string) =>
    typeof name == 'string' && name && push({ type: 'custom', name: clip(name, MAX_NAME), props: cleanProps(props) }, url);

  /** An email (has an `@`) or the site's own user id, with optional traits. */
  const identify = (who: unknown, traits?: unknown) =>
    typeof who == 'string' &&
    (who = who.trim()) &&
    push({ type: 'identify', [(who as string).includes('@') ? 'email' : 'user_id']: clip(who as string, MAX_EMAIL), traits: cleanProps(traits) });

  /** Reports the visible time of the current page not reported yet. */
  const engaged = () => {
    const now = Date.now();
    if (shownAt) spent += now - shownAt;
    shownAt = visible() ? now : 0;
    if (spent > 0 && pageUrl) track('engagement', { ms: spent }, pageUrl);
    spent = 0;
  };

  const page = () => {
    engaged();
    // After an SPA navigation, the page's referrer is the previous page.
    if (pageUrl && pageUrl != location.href) pageReferrer = pageUrl;
    pageUrl = location.href;
    push({ type: 'pageview' });
  };

  const hide = () => {
    engaged();
    queue.leave();
  };
  addEventListener('pagehide', hide);
  document.addEventListener('visibilitychange', () => (visible() ? (shownAt ||= Date.now()) : hide()));

  const start = () => {
    if (cfg.autoPageview) page();
    else shownAt = visible() ? Date.now() : 0;
    if (cfg.spa) watchHistory(page, cfg.hash);
    // A page restored from the back/forward cache is a page view its own scripts never see.
    addEventListener('pageshow', (e) => e.persisted && page());
    watchClicks(track, cfg.autocapture);
    // A form often navigates away at once: its event goes by beacon right now.
    watchForms((f) => {
      push({ type: 'form', ...f });
      queue.leave();
    }, cfg.forms);
  };
  // A prerendered page counts once the visitor actually sees it.
  if ((document as { prerendering?: boolean }).prerendering) document.addEventListener('prerenderingchange', start, { once: true });
  else start();

  return {
    get visitorId() {
      return visitorId;
    },
    page,
    track,
    identify,
  };
}
