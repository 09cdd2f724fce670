/**
 * The outbox: every event is kept (localStorage `_cl_b`, bounded, guarded) until the collector
 * has answered it, so events survive bad networks and page exits and go out with the next page.
 *
 * - Batches go out ~1 s after the last event, at once at 20 events, with `fetch` keepalive: a 2xx
 *   or a final 4xx (400, 401, 403, 404, 413, 422 …) ends an event's life; a network error, 408,
 *   429 or 5xx sends it again after an exponential backoff with jitter that honours `Retry-After`.
 * - When the page is hidden or left (`visibilitychange` → hidden, `pagehide`; never `unload`),
 *   what is not in flight goes by `sendBeacon`. A beacon's answer is invisible: events the browser
 *   took while online are done; taken while offline, they stay kept and go again later.
 * - Coming back `online` sends at once. Every event has its own UUID: the collector folds repeats.
 * Tabs of one site share the stored outbox (last writer wins): an event kept by a tab that is
 * still open may be sent by another tab too, never lost while the tab that made it lives.
 */
import { load, save } from './storage/local.js';
import { backoff, beacon, post, retryable, take } from './transport.js';

/**
 * Was `_cl_q` before wire format 2 and `_cl_o` before the outbox kept wire format 3 arrays: what an
 * older SDK left there is not sent again.
 */
export const QUEUE_KEY = '_cl_b';
export const FLUSH_DELAY = 1000;
export const FLUSH_SIZE = 20;
/** Most events kept; the oldest go first. */
export const MAX_KEPT = 200;

export interface Queue<E> {
  push(e: E): void;
  /** The page is being hidden or left: send what is not in flight by beacon. */
  leave(): void;
}

/** `wrap` turns events into a request body; `answer` receives the collector's 2xx answer. */
export function createQueue<E>(
  url: string,
  wrap: (events: E[]) => string,
  answer: (body: { visitor_id?: string }) => void,
): Queue<E> {
  let box: E[] = [].concat(load(QUEUE_KEY) || []);
  let busy: E[] = [];
  let tries = 0;
  let timer: ReturnType<typeof setTimeout>;

  /** Forgets `sent` and stores what is left. */
  const keep = (sent: E[] = []) => save(QUEUE_KEY, (box = box.filter((e) => !sent.includes(e)).slice(-MAX_KEPT)));
  const later = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(flush, ms);
  };
  const flush = () => {
    if (busy.length || !box.length) return;
    void post(url, wrap((busy = take(box)))).then((r) => {
      if (retryable(r?.status)) later(backoff(++tries, +r?.headers.get('retry-after')!));
      else {
        tries = 0;
        keep(busy);
        if (r!.ok) r!.json().then(answer, () => {});
        later(0); // the rest, if any
      }
      busy = [];
    });
  };

  addEventListener('online', () => {
    tries = 0;
    flush();
  });
  later(FLUSH_DELAY); // what a previous page kept, if any

  return {
    push(e) {
      box.push(e);
      keep();
      if (box.length >= FLUSH_SIZE) flush();
      else if (!tries) later(FLUSH_DELAY);
    },
    leave() {
      for (let rest = box.filter((e) => !busy.includes(e)), batch; rest.length; rest = rest.slice(batch.length)) {
        if (!beacon(url, wrap((batch = take(rest))))) return flush();
        if (navigator.onLine) keep(batch);
      }
    },
  };
}
