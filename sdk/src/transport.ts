/**
 * The wire: `POST {endpoint}/v1/events` with a JSON body sent as a string, so as `text/plain`
 * (CORS-safelisted: no preflight). Two ways out:
 * - `post`: `fetch` with `keepalive` and credentials (the collector's own visitor cookie rides
 *   along); its answer is visible, so the queue can retry until a 2xx or a final 4xx;
 * - `beacon`: `navigator.sendBeacon`, for pages being hidden or left; true when the browser took it.
 * Browsers allow 64 KiB in flight for keepalive requests and beacons: `take` cuts batches to fit.
 */
import { attempt } from './safe.js';

/** Largest body in bytes (under the 64 KiB keepalive budget, with room for the envelope). */
export const MAX_BYTES = 60000;

/** The first events (at least one) whose JSON fits MAX_BYTES together. */
export function take<T>(events: T[]): T[] {
  let n = 0;
  for (let size = 0; n < events.length; n++) if ((size += new Blob([JSON.stringify(events[n])]).size) > MAX_BYTES && n) break;
  return events.slice(0, n);
}

/** The answer, or undefined when the network failed. Never rejects. */
export const post = (url: string, body: string): Promise<Response | undefined> =>
  fetch(url, { method: 'POST', body, keepalive: true, credentials: 'include' }).catch(() => undefined);

export const beacon = (url: string, body: string): boolean => !!attempt(() => navigator.sendBeacon(url, body));

/** Whether to send again: network errors, 408, 429 and 5xx; never other 4xx (400, 401, 403, 404, 413, 422 …). */
export const retryable = (status: number): boolean => !status || status == 408 || status == 429 || status > 499;

/** Wait before attempt `tries` + 1: exponential (1 s, 2 s, 4 s … ≤ 5 min) with jitter, never before `Retry-After`. */
export const backoff = (tries: number, retryAfter: number): number =>
  Math.max(retryAfter * 1000 || 0, Math.min(1000 * 2 ** tries, 3e5) * (0.5 + Math.random() / 2));
