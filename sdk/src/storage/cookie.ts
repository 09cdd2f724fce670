/**
 * First-party cookies — the only module that imports js-cookie.
 * Every cookie is `path=/` (js-cookie's default), `SameSite=Lax`, `Secure` on https, and set on the registrable domain
 * (found by trial, shortest candidate first; the browser itself refuses public suffixes such as
 * `co.uk` or `github.io`) unless a domain is configured. When the browser refuses cookies, values
 * live on in memory for this page.
 */
import Cookies from 'js-cookie';
import { attempt } from '../safe.js';

export interface Store {
  get(name: string): string | undefined;
  /** `expires`: a number of days or a date; none: a browser-session cookie; -1 deletes it. */
  set(name: string, value: string, expires?: number | Date): void;
}

/** The cookie set on each candidate domain to see whether the browser takes it. */
const PROBE = '_cl_t';

/** Domains to try, shortest first: `a.shop.example.com` → `example.com`, `shop.example.com`, … */
export function domainCandidates(hostname: string): string[] {
  const labels = hostname.split('.');
  const out: string[] = [];
  // IP addresses and single-label hosts (localhost) only take host-only cookies.
  if (!/^[\d.]+$|:/.test(hostname)) for (let i = labels.length - 1; i-- > 0; ) out.push(labels.slice(i).join('.'));
  return out;
}

export function cookieStore(domain?: string): Store {
  const memory: Record<string, string> = {};
  let attrs: Cookies.CookieAttributes | undefined;
  return {
    get: (name) => attempt(() => Cookies.get(name)) ?? memory[name],
    set(name, value, expires) {
      memory[name] = value;
      // document.cookie may throw (sandboxed frames, blocked by the page): memory only then.
      attempt(() => {
        // The domain is found on the first write, so reading sets no cookie (consent pending).
        if (!attrs) {
          attrs = { sameSite: 'Lax', secure: location.protocol == 'https:' };
          attrs.domain = domain || domainCandidates(location.hostname).find((d) => (Cookies.set(PROBE, d, { ...attrs, domain: d }), Cookies.get(PROBE) == d));
          Cookies.remove(PROBE, attrs);
        }
        Cookies.set(name, value, { ...attrs, expires });
      });
    },
  };
}
