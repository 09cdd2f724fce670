/**
 * First-party cookies — the only module that imports js-cookie.
 * Every cookie is `path=/`, `SameSite=Lax`, `Secure` on https, and set on the registrable domain
 * (found by trial, shortest candidate first; the browser itself refuses public suffixes such as
 * `co.uk`) unless a domain is configured. When the browser refuses cookies, values live on in
 * memory for this page.
 */
import Cookies from 'js-cookie';

export interface Store {
  get(name: string): string | undefined;
  /** `expires`: a number of days or a date. */
  set(name: string, value: string, expires: number | Date): void;
}

/** Domains to try, shortest first: `a.shop.example.com` → `example.com`, `shop.example.com`, … */
export function domainCandidates(hostname: string): string[] {
  const labels = hostname.split('.');
  // IP addresses and single-label hosts (localhost) only take host-only cookies.
  if (/^[\d.]+$|:/.test(hostname) || labels.length < 2) return [];
  const out: string[] = [];
  for (let i = labels.length - 2; i >= 0; i--) out.push(labels.slice(i).join('.'));
  return out;
}

export function cookieStore(domain?: string): Store {
  const memory: Record<string, string> = {};
  const jar = (domain?: string) =>
    Cookies.withAttributes({ path: '/', sameSite: 'Lax', secure: location.protocol == 'https:', domain });
  let cookies = jar(domain);
  if (!domain) {
    for (const d of domainCandidates(location.hostname)) {
      const test = jar(d);
      test.set('_cl_t', d);
      if (test.get('_cl_t') == d) {
        test.remove('_cl_t');
        cookies = test;
        break;
      }
    }
  }
  return {
    get: (name) => cookies.get(name) ?? memory[name],
    set(name, value, expires) {
      memory[name] = value;
      cookies.set(name, value, { expires });
    },
  };
}
