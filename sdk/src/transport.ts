/**
 * Sends a batch to the collector: `navigator.sendBeacon` (survives leaving the page) with a
 * `text/plain` body — a CORS-safelisted type, so no preflight — and when the browser declines
 * (no sendBeacon, or its quota is used up), `fetch` with `keepalive`. A batch bigger than what
 * browsers allow in flight for beacons/keepalive (64 KiB) is split in halves first.
 */
import type { EventBatch } from './protocol.js';

export const MAX_BYTES = 60000;

export function sendBatch(url: string, batch: EventBatch): void {
  const body = JSON.stringify(batch);
  const blob = new Blob([body], { type: 'text/plain' });
  const events = batch.events;
  const half = events.length >> 1;
  if (half && blob.size > MAX_BYTES) {
    sendBatch(url, { ...batch, events: events.slice(0, half) });
    sendBatch(url, { ...batch, events: events.slice(half) });
    return;
  }
  if (navigator.sendBeacon?.(url, blob)) return; // false: not queued (quota used up)
  fetch(url, { method: 'POST', keepalive: true, body, headers: { 'Content-Type': 'text/plain' } }).catch(() => {});
}
