/**
 * The wire: `POST {endpoint}/v1/events` with a JSON body sent as a string, so as `text/plain`
 * (CORS-safelisted: no preflight). Two ways out:
 * - `post`: `fetch` with `keepalive` and credentials (the collector's own visitor cookie rides
 *   along); its answer is visible, so the queue can retry until a 2xx or a final 4xx;
 * - `beacon`: `navigator.sendBeacon`, for pages being hidden or left; truthy when the browser took it.
 * Browsers allow 64 KiB in flight for keepalive requests and beacons: `take` cuts batches to fit.
 */
import { attempt } from './safe.js';

/** Largest body in bytes (under the 64 KiB keepalive budget, with room for the envelope). */
export const MAX_BYTES = 60000;

/** The first events (at least one) whose JSON fits MAX_BYTES together. */
export function take<T>(events: T[]): T[] {
  let size = 0;
  // `size` only grows: once over, every later event is left out too, without serializing it (the
  // page-exit loop in queue.ts calls this again on what is left of an outbox of up to 200 events).
  // Bytes by TextEncoder: a Blob per event costs the page several times more.
  return events.filter(
    (e, i) => size <= MAX_BYTES && ((size += new TextEncoder().encode(JSON.stringify(e)).length) <= MAX_BYTES || !i),
  );
}

/** The answer, or undefined when the network failed. Never rejects. */
export const post = (url: string, body: string): Promise<Response | undefined> =>
  fetch(url, { method: 'POST', body, keepalive: true, credentials: 'include' }).catch(() => undefined);

/** Truthy when the browser took the beacon; falsy where it refused, is missing or throws. */
export const beacon = (url: string, body: string): boolean | undefined =>
  attempt(() => navigator.sendBeacon(url, body));

/**
 * Whether to send again: network errors (no status: `undefined < 500` is false), 408, 429 and 5xx;
 * never 2xx nor other 4xx (400, 401, 403, 404, 413, 422 …).
 */
export const retryable = (status?: number): boolean => !(status! < 500 && status != 408 && status != 429);

/** Wait before attempt `tries` + 1: exponential (1 s, 2 s, 4 s … ≤ 5 min) with jitter, never before `Retry-After`. */
export const backoff = (tries: number, retryAfter: number): number =>
  1000 * Math.max(retryAfter || 0, (Math.min(2 ** tries, 300) * (1 + Math.random())) / 2);
