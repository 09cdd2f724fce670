/** The tracker behind the public API: builds events from the page and the session, and queues them. */
import type { ClEvent, EventBase } from './protocol.js';
import type { Config } from './config.js';
import { VERSION } from './config.js';
import { isUuid, uuid } from './ids.js';
import { MAX_NAME, MAX_TITLE, MAX_URL, cleanProps, clip } from './limits.js';
import { cookieStore } from './storage/cookie.js';
import { createQueue } from './queue.js';
import { touchSession } from './session.js';
import { parseTouch } from './touch.js';
import { sendBatch } from './transport.js';
import { watchHistory } from './spa.js';

/** Visitor cookie lifetime in days (the most browsers allow). */
export const VISITOR_DAYS = 400;

export interface Tracker {
  readonly visitorId: string;
  page(): void;
  track(name: string, props?: unknown): void;
}

export function createTracker(cfg: Config, log: (...a: unknown[]) => void): Tracker {
  const store = cookieStore(cfg.cookieDomain);
  const old = store.get(cfg.cookieName);
  const visitorId = isUuid(old) ? old : uuid();
  store.set(cfg.cookieName, visitorId, VISITOR_DAYS); // rolling expiry

  const queue = createQueue<ClEvent>((events) => {
    try {
      const batch = { site: cfg.site, sent_at: Date.now(), sdk: VERSION, events };
      log('send', batch);
      sendBatch(cfg.endpoint + '/v1/events', batch);
    } catch (e) {
      log(e);
    }
  });

  let pageUrl: string | undefined;
  let pageReferrer = document.referrer;

  const base = (): EventBase => {
    const now = Date.now();
    const href = location.href;
    const s = touchSession(store, visitorId, now, parseTouch(href, pageReferrer, now));
    const e: EventBase = { id: uuid(), ts: now, visitor_id: visitorId, session_id: s.id, url: clip(href, MAX_URL), touch: s.touch };
    if (pageReferrer) e.page_referrer = clip(pageReferrer, MAX_URL);
    if (document.title) e.title = clip(document.title, MAX_TITLE);
    if (s.first) (e.session_start = true), (e.first_touch = s.first);
    return e;
  };

  const page = () => {
    const href = location.href;
    // After an SPA navigation, the page's referrer is the previous page.
    if (pageUrl && pageUrl != href) pageReferrer = pageUrl;
    pageUrl = href;
    queue.push({ type: 'pageview', ...base() });
  };

  if (cfg.autoPageview) page();
  if (cfg.spa) watchHistory(page);
  // A page restored from the back/forward cache is a page view its own scripts never see.
  addEventListener('pageshow', (e) => e.persisted && page());

  return {
    visitorId,
    page,
    track(name, props) {
      if (typeof name != 'string' || !name) return log('track: no name');
      queue.push({ type: 'custom', name: clip(name, MAX_NAME), props: cleanProps(props), ...base() });
    },
  };
}
