import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClEventV2 } from './protocol.js';
import { FLUSH_DELAY, MAX_KEPT, QUEUE_KEY } from './queue.js';

// A fresh module per test, as per page: storage/local.ts keeps a memory copy of what it saved.
let createQueue: typeof import('./queue.js').createQueue;

const URL_ = 'https://c.test/v1/events';
const ev = (n: number): ClEventV2 =>
  ({ y: 'p', i: String(n), t: 1, v: 'v', s: 's', u: 'https://a.test/' }) as ClEventV2;
const ids = (events: ClEventV2[]) => events.map((e) => Number(e.i));

/** A page: storage, network (answers per request: a status or 'offline'), beacons and window events. */
let win: EventTarget;
let storage: Record<string, string>;
let answers: (number | 'offline')[];
let posts: number[][];
let beacons: number[][];
let nav: { onLine: boolean; sendBeacon?: (u: string, b: string) => boolean };

beforeEach(async () => {
  vi.resetModules();
  ({ createQueue } = await import('./queue.js'));
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(0); // backoff without jitter: 1 s, 2 s, 4 s …
  win = new EventTarget();
  storage = {};
  answers = [];
  posts = [];
  beacons = [];
  nav = { onLine: true, sendBeacon: (_u, b) => (beacons.push(ids(JSON.parse(b) as ClEventV2[])), true) };
  vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
  vi.stubGlobal('navigator', nav);
  vi.stubGlobal('localStorage', storage);
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    expect(url).toBe(URL_);
    const a = answers.shift() ?? 202;
    if (a == 'offline') return Promise.reject(new TypeError('Failed to fetch'));
    posts.push(ids(JSON.parse(init.body as string) as ClEventV2[]));
    return Promise.resolve(
      new Response(JSON.stringify({ accepted: 1, visitor_id: 'from-server' }), {
        status: a,
        headers: a == 429 ? { 'retry-after': '10' } : {},
      }),
    );
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const answered: { visitor_id?: string }[] = [];
const queue = () =>
  createQueue(
    URL_,
    (events) => JSON.stringify(events),
    (a) => answered.push(a),
  );
const kept = () => ids(JSON.parse(storage[QUEUE_KEY] ?? '[]') as ClEventV2[]);
const wait = (ms: number) => vi.advanceTimersByTimeAsync(ms);

describe('queue', () => {
  it('sends one batch about a second after the events, then forgets them', async () => {
    const q = queue();
    q.push(ev(1));
    await wait(500);
    q.push(ev(2));
    expect(kept()).toEqual([1, 2]);
    await wait(FLUSH_DELAY);
    expect(posts).toEqual([[1, 2]]);
    expect(kept()).toEqual([]);
    await wait(60_000);
    expect(posts).toHaveLength(1);
  });

  it('sends at once when 20 events are waiting, the rest right after', async () => {
    const q = queue();
    for (let i = 0; i < 19; i++) q.push(ev(i));
    await wait(0);
    expect(posts).toEqual([]);
    q.push(ev(19));
    q.push(ev(20)); // while the 20 are in flight
    await wait(0);
    expect(posts.map((b) => b.length)).toEqual([20, 1]);
    expect(kept()).toEqual([]);
  });

  it('hands the 2xx answer to the tracker (the collector cookie visitor id)', async () => {
    answered.length = 0;
    queue().push(ev(1));
    await wait(FLUSH_DELAY);
    expect(answered).toEqual([{ accepted: 1, visitor_id: 'from-server' }]);
  });

  it('retries 5xx with backoff until accepted: every event arrives once', async () => {
    answers = [500, 503];
    const q = queue();
    q.push(ev(1));
    await wait(FLUSH_DELAY); // 500 (not counted: the fake network drops nothing but records only answered bodies)
    expect(kept()).toEqual([1]);
    await wait(2000); // 503
    expect(kept()).toEqual([1]);
    await wait(4000); // 202
    expect(posts).toEqual([[1], [1], [1]]);
    expect(kept()).toEqual([]);
    await wait(60_000);
    expect(posts).toHaveLength(3);
  });

  it('never retries a final 4xx: the batch is dropped', async () => {
    answers = [400];
    const q = queue();
    q.push(ev(1));
    await wait(FLUSH_DELAY);
    expect(kept()).toEqual([]);
    q.push(ev(2));
    await wait(60_000);
    expect(posts).toEqual([[1], [2]]);
  });

  it('waits at least Retry-After on 429', async () => {
    answers = [429];
    queue().push(ev(1));
    await wait(FLUSH_DELAY);
    await wait(9_000);
    expect(posts).toEqual([[1]]);
    await wait(1_100);
    expect(posts).toEqual([[1], [1]]);
  });

  it('keeps events through a network outage and sends them once when back online', async () => {
    answers = ['offline', 'offline'];
    const q = queue();
    q.push(ev(1));
    await wait(FLUSH_DELAY);
    q.push(ev(2));
    await wait(0);
    expect(posts).toEqual([]);
    expect(kept()).toEqual([1, 2]);
    win.dispatchEvent(new Event('online')); // second attempt fails too
    await wait(0);
    win.dispatchEvent(new Event('online'));
    await wait(0);
    expect(posts).toEqual([[1, 2]]);
    expect(kept()).toEqual([]);
    await wait(600_000);
    expect(posts).toHaveLength(1);
  });

  it('sends events kept by a previous page', async () => {
    storage[QUEUE_KEY] = JSON.stringify([ev(7), ev(8)]);
    queue();
    await wait(FLUSH_DELAY);
    expect(posts).toEqual([[7, 8]]);
    expect(kept()).toEqual([]);
  });

  it('keeps at most MAX_KEPT events, dropping the oldest', () => {
    answers = Array(MAX_KEPT).fill('offline');
    const q = queue();
    for (let i = 0; i < MAX_KEPT + 5; i++) q.push(ev(i));
    expect(kept()).toHaveLength(MAX_KEPT);
    expect(kept()[0]).toBe(5);
  });

  it('on leave, beacons what is not in flight and forgets it', async () => {
    const q = queue();
    q.push(ev(1));
    q.push(ev(2));
    q.leave();
    expect(beacons).toEqual([[1, 2]]);
    expect(kept()).toEqual([]);
    await wait(60_000);
    expect(posts).toEqual([]);
  });

  it('on leave while offline, keeps beaconed events for the next page', () => {
    nav.onLine = false;
    const q = queue();
    q.push(ev(1));
    q.leave();
    expect(beacons).toEqual([[1]]);
    expect(kept()).toEqual([1]);
  });

  it('on leave without a usable beacon, sends by keepalive fetch at once', async () => {
    delete nav.sendBeacon;
    const q = queue();
    q.push(ev(1));
    q.leave();
    await wait(0);
    expect(posts).toEqual([[1]]);
    expect(kept()).toEqual([]);
  });

  it('works with storage blocked (memory only)', async () => {
    const deny = () => {
      throw new DOMException('denied', 'SecurityError');
    };
    vi.stubGlobal('localStorage', new Proxy({}, { get: deny, set: deny }));
    const q = queue();
    q.push(ev(1));
    await wait(FLUSH_DELAY);
    expect(posts).toEqual([[1]]);
  });
});
