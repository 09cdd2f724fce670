/**
 * First-party cookies — the only module that imports js-cookie.
 * Every cookie is `path=/` (js-cookie's default), `SameSite=Lax`, `Secure` on https, and set on the registrable domain
 * (found by trial, shortest candidate first; the browser itself refuses public suffixes such as
 * `co.uk` or `github.io`) unless a domain is configured. When the browser refuses cookies, values
 * live on in memory for this page.
 */
import Cookies from 'js-cookie';

export interface Store {
  get(name: string): string | undefined;
  /** `expires`: a number of days or a date; none: a browser-session cookie. */
  set(name: string, value: string, expires?: number | Date): void;
}

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
  const attrs: Cookies.CookieAttributes = { sameSite: 'Lax', secure: location.protocol == 'https:', domain };
  // document.cookie may throw (sandboxed frames, blocked by the page): memory only then.
  try {
    if (!domain)
      for (const d of domainCandidates(location.hostname)) {
        Cookies.set('_cl_t', d, ((attrs.domain = d), attrs));
        if (Cookies.get('_cl_t') == d) break;
        attrs.domain = undefined; // none taken: host-only
      }
    Cookies.remove('_cl_t', attrs);
  } catch {
    // memory only
  }
  return {
    get(name) {
      try {
        return Cookies.get(name) ?? memory[name];
      } catch {
        return memory[name];
      }
    },
    set(name, value, expires) {
      memory[name] = value;
      try {
        Cookies.set(name, value, { ...attrs, expires });
      } catch {
        // blocked: memory only
      }
    },
  };
}
