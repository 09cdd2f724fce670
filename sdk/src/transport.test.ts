import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_BYTES, backoff, beacon, post, retryable, take } from './transport.js';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('take', () => {
  it('takes every event when they fit', () => {
    expect(take([1, 2, 3])).toEqual([1, 2, 3]);
  });

  it('cuts a batch under the 64 KiB keepalive budget, counting bytes (not characters)', () => {
    const big = 'é'.repeat(10_000); // 20 kB of UTF-8 each
    const batch = take([big, big, big, big]);
    expect(batch).toHaveLength(2);
    expect(new Blob([JSON.stringify(batch)]).size).toBeLessThanOrEqual(MAX_BYTES);
    expect(take([big, big, big, 'y'])).toEqual([big, big]); // the first events only: never a later one that would fit
  });

  it('serializes no event after the batch is full (the page-exit loop calls it again on the rest)', () => {
    const big = 'x'.repeat(MAX_BYTES / 2);
    let serialized = 0;
    const counted = { toJSON: () => (serialized++, 'z') };
    expect(take([big, big, big, counted, counted])).toEqual([big]);
    expect(serialized).toBe(0);
  });

  it('always takes the first event, even an oversized one, so the queue never stalls', () => {
    expect(take(['x'.repeat(MAX_BYTES + 1), 'y'])).toHaveLength(1);
  });
});

describe('retryable', () => {
  it('retries network errors (no status), 408, 429 and 5xx', () => {
    for (const s of [undefined, 408, 429, 500, 502, 503]) expect(retryable(s), String(s)).toBe(true);
  });
  it('never retries success or final 4xx', () => {
    for (const s of [200, 202, 400, 401, 403, 404, 413, 422]) expect(retryable(s), String(s)).toBe(false);
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter between half and the full step, capped at 5 minutes', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect([1, 2, 3].map((n) => backoff(n, NaN))).toEqual([1000, 2000, 4000]);
    expect(backoff(30, NaN)).toBe(150_000);
    vi.spyOn(Math, 'random').mockReturnValue(0.999999);
    expect(backoff(1, NaN)).toBeCloseTo(2000, -1);
    expect(backoff(30, NaN)).toBeCloseTo(300_000, -2);
  });
  it('never retries before Retry-After (seconds)', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(backoff(1, 30)).toBe(30_000);
    expect(backoff(1, 0)).toBe(1000);
  });
});

describe('post', () => {
  it('sends a keepalive text/plain POST with credentials (for the collector cookie)', async () => {
    const calls: [string, RequestInit][] = [];
    vi.stubGlobal(
      'fetch',
      (u: string, i: RequestInit) => (calls.push([u, i]), Promise.resolve(new Response('{}', { status: 202 }))),
    );
    const r = await post('https://c.test/v1/events', '{"a":1}');
    expect(r?.status).toBe(202);
    expect(calls).toEqual([
      ['https://c.test/v1/events', { method: 'POST', body: '{"a":1}', keepalive: true, credentials: 'include' }],
    ]);
    // A string body is sent as text/plain: a CORS-safelisted request, no preflight.
    expect(new Request('https://c.test/', { method: 'POST', body: '{}' }).headers.get('content-type')).toMatch(
      /^text\/plain/,
    );
  });

  it('resolves undefined on a network error, never rejects', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(post('https://c.test/v1/events', '{}')).resolves.toBeUndefined();
  });
});

describe('beacon', () => {
  it('is truthy only when the browser took the beacon', () => {
    const sent: unknown[] = [];
    vi.stubGlobal('navigator', { sendBeacon: (u: string, b: string) => (sent.push([u, b]), true) });
    expect(beacon('https://c.test/v1/events', 'x')).toBe(true);
    expect(sent).toEqual([['https://c.test/v1/events', 'x']]);
    vi.stubGlobal('navigator', { sendBeacon: () => false });
    expect(beacon('u', 'x')).toBeFalsy();
  });
  it('is falsy where sendBeacon is missing or throws', () => {
    vi.stubGlobal('navigator', {});
    expect(beacon('u', 'x')).toBeFalsy();
    vi.stubGlobal('navigator', {
      sendBeacon: () => {
        throw new TypeError('Illegal invocation');
      },
    });
    expect(beacon('u', 'x')).toBeFalsy();
  });
});
