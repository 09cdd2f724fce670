/**
 * First-party cookies — the only module that imports js-cookie (cl.js and the ES module use it; the
 * core variant `cl.core.js` writes and reads `document.cookie` in a few lines of its own, see
 * {@link coreJar}; both store a value as `encodeURIComponent` writes it, so the variants write the same
 * bytes and read each other's cookies).
 * Every cookie is `path=/`, `SameSite=Lax`, `Secure` on https, and set on the registrable domain
 * (found by trial, shortest candidate first, the browser itself refusing public suffixes such as
 * `co.uk` or `github.io`, and remembered for the browser session in {@link DOMAIN_COOKIE}) unless a
 * domain is configured. When the browser refuses cookies, values live on in memory for this page.
 */
import Cookies from 'js-cookie';
import { CORE } from '../config.js';
import { attempt } from '../safe.js';

export interface Store {
  get(name: string): string | undefined;
  /** `expires`: in days (fractions too); none: a browser-session cookie; -1 deletes it. */
  set(name: string, value: string, expires?: number): void;
}

/** What the store needs of a cookie library (js-cookie's `get` of every cookie, and `set`). */
interface Jar {
  get(): Record<string, string>;
  set(
    name: string,
    value: string,
    attrs: { domain?: string; expires?: number; sameSite: 'Lax'; secure: boolean },
  ): unknown;
}

/**
 * js-cookie's converter in cl.js (its `withConverter`): a value is stored as `encodeURIComponent`
 * writes it and read back by `decodeURIComponent`, as {@link coreJar} does. js-cookie's default
 * converter, which the build then leaves out (rollup.config.ts: 83 B gzip less), leaves `[`, `]`, `:`,
 * `+` and a few others unencoded (and reads a value in double quotes without them, which the SDK never
 * wrote): cookies it wrote read the same. Exported for tests.
 */
export const URI_CONVERTER = { read: decodeURIComponent, write: encodeURIComponent };

/**
 * The core variant's jar: what js-cookie with {@link URI_CONVERTER} writes (`path=/`, the value
 * URI-encoded), without js-cookie; the lifetime as `max-age` (js-cookie writes the same as `expires`).
 * Exported for tests.
 */
export const coreJar: Jar = {
  get() {
    const all: Record<string, string> = {};
    for (const c of document.cookie.split('; ')) {
      const [name, value] = c.split(/=(.*)/);
      // As js-cookie: the first of two cookies of one name wins (the one with the longer path); one
      // that does not decode (another script's) is left out, not the others with it. (A cookie without
      // `=` reads as 'undefined', js-cookie's as '': never one the SDK wrote.)
      attempt(() => (all[name!] ??= decodeURIComponent(value!)));
    }
    return all;
  },
  set: (name, value, { domain, expires, secure }) =>
    (document.cookie = `${name}=${encodeURIComponent(value)};path=/;samesite=lax${secure ? ';secure' : ''}${domain ? ';domain=' + domain : ''}${expires ? ';max-age=' + expires * 86400 : ''}`),
};

/**
 * The cookie set on each candidate domain to see whether the browser takes it; the one taken stays
 * for the browser session (its value: the domain), so later pages of the site find the domain without
 * a probe.
 */
export const DOMAIN_COOKIE = '_cl_t';

/**
 * Domains to probe, shortest first: `a.shop.example.com` → `example.com`, `shop.example.com`; never the
 * host itself, which a browser always takes (also an IP address or `localhost`: a host-only cookie).
 */
export function domainCandidates(hostname: string): string[] {
  const labels = hostname.split('.');
  const out: string[] = [];
  // IP addresses only take host-only cookies: none of their parts is a domain.
  if (!/^[\d.]+$|:/.test(hostname)) for (let i = labels.length - 1; i-- > 1;) out.push(labels.slice(i).join('.'));
  return out;
}

export function cookieStore(domain?: string): Store {
  const jar: Jar = CORE ? coreJar : Cookies.withConverter<string>(URI_CONVERTER);
  const memory: Record<string, string> = {};
  /**
   * Every cookie as read once in this task, with the store's writes since: a read of document.cookie
   * after a write waits on the browser process, and the tracker reads the consent, visitor and session
   * cookies around its writes at load. Dropped when the task's microtasks run, so the next task (a
   * click, the next event) reads again what another tab may have written since.
   */
  let seen: Record<string, string> | undefined;
  let attrs: Parameters<Jar['set']>[2] | undefined;
  const get = (name: string) =>
    (seen ||= (queueMicrotask(() => (seen = undefined)), attempt(() => jar.get()) || {}))[name] ?? memory[name];
  return {
    get,
    set(name, value, expires) {
      memory[name] = value;
      if (seen) seen[name] = value;
      // document.cookie may throw (sandboxed frames, blocked by the page): memory only then.
      attempt(() => {
        // The domain is found on the first write, so reading sets no cookie (consent pending).
        if (!attrs) {
          attrs = { sameSite: 'Lax', secure: location.protocol == 'https:' };
          // One attributes object, changed in place (both jars copy what they use). The domain an
          // earlier page of this browser session found, else a probe per candidate, else the host
          // itself (no probe: a browser takes a cookie on the host it is on, as a host-only cookie
          // on an IP address or `localhost`). So pages after the first, and a site served at its
          // registrable domain, read no probe back (a read after a write waits on the browser process).
          attrs.domain =
            domain ||
            get(DOMAIN_COOKIE) ||
            domainCandidates(location.hostname).find(
              (d) => ((attrs!.domain = d), jar.set(DOMAIN_COOKIE, d, attrs!), jar.get()[DOMAIN_COOKIE] == d),
            ) ||
            location.hostname;
        }
        attrs.expires = expires;
        jar.set(name, value, attrs);
      });
    },
  };
}
