import Cookies from 'js-cookie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { URI_CONVERTER, cookieStore, coreJar, domainCandidates } from './cookie.js';

describe('domainCandidates', () => {
  it('lists parent domains from the top level down, not the host itself (which needs no probe)', () => {
    expect(domainCandidates('a.shop.example.co.uk')).toEqual(['co.uk', 'example.co.uk', 'shop.example.co.uk']);
    expect(domainCandidates('www.example.com')).toEqual(['example.com']);
    expect(domainCandidates('example.com')).toEqual([]);
  });

  it('gives nothing (the host itself) for IP addresses and single-label hosts', () => {
    expect(domainCandidates('localhost')).toEqual([]);
    expect(domainCandidates('127.0.0.1')).toEqual([]);
    expect(domainCandidates('[::1]')).toEqual([]);
  });
});

describe('coreJar (cl.core.js) and js-cookie (cl.js)', () => {
  /**
   * A document.cookie that keeps name=value pairs, dropping a cookie written with max-age ≤ 0 or a past
   * expiry; `reads` counts its reads.
   */
  const fakeDocument = () => {
    const jar = new Map<string, string>();
    return {
      jar,
      reads: 0,
      get cookie() {
        this.reads++;
        return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      },
      set cookie(s: string) {
        const [pair, ...attrs] = s.split(/;\s*/);
        const i = pair!.indexOf('=');
        const gone = attrs.some(
          (a) => /^max-age=-/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()),
        );
        if (gone) jar.delete(pair!.slice(0, i));
        else jar.set(pair!.slice(0, i), pair!.slice(i + 1));
      },
    };
  };
  let doc: ReturnType<typeof fakeDocument>;
  beforeEach(() => vi.stubGlobal('document', (doc = fakeDocument())));
  afterEach(() => vi.unstubAllGlobals());

  it('write the same bytes and read what the other wrote: JSON, quotes, commas, spaces, % and non-ASCII; -1 deletes', () => {
    const jsCookie = Cookies.withConverter<string>(URI_CONVERTER);
    const value = JSON.stringify(['5f0c…', 1764750000000, '["a b","x,y+z","100%","é"]']);
    const attrs = { sameSite: 'Lax' as const, secure: false, expires: 400 };
    coreJar.set('_cl_ses', value, attrs);
    expect(jsCookie.get()._cl_ses).toBe(value);
    jsCookie.set('_cl_vid', value, attrs);
    expect(coreJar.get()._cl_vid).toBe(value);
    expect(doc.jar.get('_cl_vid')).toBe(doc.jar.get('_cl_ses'));
    // no character a cookie value must not hold (RFC 6265 cookie-octet)
    expect(doc.jar.get('_cl_vid')).toMatch(/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/);
    expect(coreJar.get()._cl_vi).toBeUndefined();
    coreJar.set('_cl_vid', '', { ...attrs, expires: -1 });
    expect(coreJar.get()._cl_vid).toBeUndefined();
    expect([...doc.jar.keys()]).toEqual(['_cl_ses']);
  });

  it("read cookies js-cookie's default converter wrote (earlier releases of cl.js)", () => {
    const value = JSON.stringify(['0f8fad5b-d9cb-469f-a165-70867728950e', 1764750000000, '["a b","x:y+z"]', 3]);
    Cookies.set('_cl_ses', value);
    expect(doc.jar.get('_cl_ses')).toContain('['); // left unencoded by the default converter
    expect(Cookies.withConverter<string>(URI_CONVERTER).get()._cl_ses).toBe(value);
    expect(coreJar.get()._cl_ses).toBe(value);
  });
  it("read every cookie; one that does not decode (another script's) is left out, not the others", () => {
    doc.jar.set('other', '%E0%A4%A');
    doc.jar.set('_cl_vid', '0f8fad5b');
    for (const all of [coreJar.get(), Cookies.withConverter<string>(URI_CONVERTER).get()])
      expect(all).toEqual({ _cl_vid: '0f8fad5b' });
  });

  describe('cookieStore', () => {
    beforeEach(() => vi.stubGlobal('location', { protocol: 'https:', hostname: 'www.example.com' }));

    it('reads document.cookie once per task, sees its own writes, and reads again in the next task', async () => {
      doc.jar.set('_cl_vid', 'v1');
      const store = cookieStore();
      expect(store.get('_cl_consent')).toBeUndefined();
      // one get() of js-cookie: two reads as published, one in the bundle (rollup.config.ts)
      const read = doc.reads;
      expect(read).toBeGreaterThan(0);
      expect(store.get('_cl_vid')).toBe('v1');
      expect(doc.reads).toBe(read);
      // The first write probes the domain: the probe's read-back is a read of its own.
      store.set('_cl_ses', 's1', 0.03);
      expect(doc.jar.get('_cl_t')).toBe('example.com');
      const afterProbe = doc.reads;
      store.set('_cl_vid', 'v2', 400);
      expect([store.get('_cl_ses'), store.get('_cl_vid')]).toEqual(['s1', 'v2']);
      expect(doc.reads).toBe(afterProbe);
      // Another tab writes: this task keeps its reading, the next one sees the change.
      doc.jar.set('_cl_ses', 's2');
      expect(store.get('_cl_ses')).toBe('s1');
      await Promise.resolve();
      expect(store.get('_cl_ses')).toBe('s2');
      expect(doc.reads).toBe(afterProbe + read);
      // Deleted: gone from the browser, '' (not a session) in this task and after.
      store.set('_cl_ses', '', -1);
      expect(store.get('_cl_ses')).toBe('');
      await Promise.resolve();
      expect(doc.jar.has('_cl_ses')).toBe(false);
      expect(store.get('_cl_ses')).toBe('');
    });

    it('keeps values in memory for the page when the browser refuses cookies', async () => {
      vi.stubGlobal('document', {
        get cookie(): string {
          throw new DOMException('blocked', 'SecurityError');
        },
        set cookie(_: string) {
          throw new DOMException('blocked', 'SecurityError');
        },
      });
      const store = cookieStore();
      expect(store.get('_cl_vid')).toBeUndefined();
      store.set('_cl_vid', 'v1', 400);
      await Promise.resolve();
      expect(store.get('_cl_vid')).toBe('v1');
    });
  });
});
