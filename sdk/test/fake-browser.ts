/**
 * A fake browser for the SDK's unit tests (node has no DOM): cookie jar with domain rules,
 * localStorage, location/history, fetch and sendBeacon. Each "page load" re-imports the modules.
 */
import { afterEach, beforeEach, expect, vi } from 'vitest';
import type { Touch } from '../src/protocol.js';
import type { ValidEventBatch } from '../../collector/src/ingest/schema.js';
import { EventBatchV2Schema } from '../../collector/src/ingest/schema-v2.js';
import { toV1 } from '../../collector/src/ingest/wire-v2.js';
import { fromV3 } from '../../contract/wire.js';

/** A batch as the collector reads it: the SDK's wire format 2, validated and decoded to v1 terms. */
export type EventBatch = ValidEventBatch;

export type Api = typeof import('../src/index.js');

const PUBLIC_SUFFIXES = ['test', 'com'];

/** A campaign landing page the SDK tests arrive on. */
export const LANDING = 'https://www.shop.test/?utm_source=newsletter&utm_medium=email&utm_campaign=may&gclid=G1';

/** Per test: fake timers at a fixed time and a fresh FakeBrowser, handed to `use`; real timers and globals back after. */
export function freshBrowserPerTest(use: (b: FakeBrowser) => void): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date('2025-05-01T10:00:00Z'));
    use(new FakeBrowser());
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });
}

export class FakeBrowser {
  jar = new Map<string, { value: string; domain: string | undefined }>();
  storage: Record<string, string> = {};
  /** Batches the collector received (keepalive fetch or beacon), in order, decoded as the collector does (wire-v2.ts). */
  sent: EventBatch[] = [];
  /** The same batches as sent, wire format 3 read as the v2 object it stands for (contract/wire.ts). */
  wire: unknown[] = [];
  /** The same batches exactly as sent (wire format 3). */
  raw: unknown[] = [];
  /** Request bodies in bytes, in order. */
  bytes: number[] = [];
  /** What the collector remembers of sessions' touches. */
  private touches = new Map<string, Touch>();
  beacons = 0;
  /** Every cookie write (`name=value`), including deletions and the domain probe. */
  cookieWrites: string[] = [];
  cookiesEnabled = true;
  win = new EventTarget() as EventTarget & { closeloop?: unknown };
  doc!: EventTarget & Record<string, unknown>;
  loc!: URL;

  /** A full page load of `href` coming from `referrer`. */
  async load(href: string, referrer = '', setup?: (b: FakeBrowser) => void): Promise<Api> {
    vi.resetModules();
    vi.unstubAllGlobals();
    this.loc = new URL(href);
    this.win = new EventTarget();
    this.doc = Object.defineProperties(new EventTarget(), {
      // As in a browser: true exactly when visibilityState is 'hidden'.
      hidden: {
        get(this: { visibilityState?: string }) {
          return this.visibilityState == 'hidden';
        },
      },
      cookie: {
        get: () => (this.cookiesEnabled ? [...this.jar].map(([k, v]) => `${k}=${v.value}`).join('; ') : ''),
        set: (s: string) => this.setCookie(s),
      },
    }) as FakeBrowser['doc'];
    Object.assign(this.doc, {
      referrer,
      title: 'Title of ' + this.loc.pathname,
      visibilityState: 'visible',
      currentScript: null,
      querySelectorAll: () => [],
    });
    const loc = () => this.loc;
    vi.stubGlobal('document', this.doc);
    vi.stubGlobal('window', this.win);
    vi.stubGlobal('addEventListener', this.win.addEventListener.bind(this.win));
    vi.stubGlobal('location', {
      get href() {
        return loc().href;
      },
      get hostname() {
        return loc().hostname;
      },
      get protocol() {
        return loc().protocol;
      },
      get pathname() {
        return loc().pathname;
      },
      get search() {
        return loc().search;
      },
    });
    vi.stubGlobal('history', {
      pushState: (_s: unknown, _t: string, u?: string) => void (u && (this.loc = new URL(u, this.loc))),
      replaceState: (_s: unknown, _t: string, u?: string) => void (u && (this.loc = new URL(u, this.loc))),
    });
    vi.stubGlobal('localStorage', this.storage);
    vi.stubGlobal('navigator', {
      onLine: true,
      sendBeacon: (url: string, body: string) => {
        expect(url).toMatch(/\/v1\/events$/);
        this.beacons++;
        this.receive(body);
        return true;
      },
    });
    vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
      expect(url).toMatch(/\/v1\/events$/);
      expect(init).toMatchObject({ method: 'POST', keepalive: true });
      const batch = this.receive(init.body as string);
      return Promise.resolve(new Response(JSON.stringify({ accepted: batch.events.length }), { status: 202 }));
    });
    vi.stubGlobal(
      'HTMLFormElement',
      class {
        submit() {}
      },
    );
    setup?.(this);
    return (await import('../src/index.js')) as Api;
  }

  /** What the collector does with a request body: validate (wire format 2), decode, remember sessions' touches. */
  private receive(body: string): EventBatch {
    this.raw.push(JSON.parse(body));
    const raw = fromV3(JSON.parse(body));
    this.wire.push(raw);
    this.bytes.push(Buffer.byteLength(body));
    const batch = toV1(EventBatchV2Schema.parse(raw), (s) => this.touches.get(s));
    for (const e of batch.events) if (e.session_start) this.touches.set(e.session_id, e.touch);
    this.sent.push(batch);
    return batch;
  }

  private setCookie(s: string) {
    if (!this.cookiesEnabled) return;
    const [pair = '', ...attrs] = s.split('; ');
    this.cookieWrites.push(pair);
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const a = Object.fromEntries(attrs.map((x) => [x.split('=')[0]!.toLowerCase(), x.split('=')[1] ?? '']));
    const domain = a.domain?.replace(/^\./, '');
    const host = this.loc.hostname;
    // What browsers do: no cookies on public suffixes or on domains the page is not within.
    if (domain && (PUBLIC_SUFFIXES.includes(domain) || !(host == domain || host.endsWith('.' + domain)))) return;
    if (a.expires && Date.parse(a.expires) <= Date.now()) this.jar.delete(name);
    else this.jar.set(name, { value: decodeURIComponent(pair.slice(eq + 1)), domain });
  }

  /** Runs the queue's timer; what the collector received since the last call. */
  async flush(): Promise<EventBatch[]> {
    await vi.advanceTimersByTimeAsync(1000);
    return this.sent.splice(0);
  }
}
