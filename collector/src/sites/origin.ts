/** Which browser origins belong to a site: its domains and their subdomains (plus local hosts in demo mode). */
import { ClError } from '../base/errors.js';

/** Hosts a demo collector also accepts browser requests from. */
export const DEV_HOSTS = ['localhost', '127.0.0.1', '::1'];

/** Whether a browser `Origin` header belongs to one of the site's domains (or a subdomain of one). */
export function originAllowed(origin: string, domains: readonly string[], extraHosts: readonly string[] = []): boolean {
  let host: string;
  try {
    const u = new URL(origin);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
    host = u.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return false; // includes the opaque origin 'null'
  }
  if (extraHosts.includes(host)) return true;
  return domains.some((d) => host === d.toLowerCase() || host.endsWith(`.${d.toLowerCase()}`));
}

/** A domain as sites store it (lower case, no scheme, path or `www.`); CL_INVALID_REQUEST when it is none. */
export function normalizeDomain(domain: string): string {
  const d = domain
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '')
    .replace(/^www\./, '');
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/.test(d)) {
    throw new ClError('CL_INVALID_REQUEST', `'${domain}' is not a domain name (e.g. shop.example.com).`, {
      path: 'domain',
    });
  }
  return d;
}
