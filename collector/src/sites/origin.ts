/** Which browser origins belong to a site: its domains and their subdomains (plus local hosts in demo mode). */
import { ClError } from '../base/errors.js';

/** Hosts a demo collector also accepts browser requests from. */
export const DEV_HOSTS = ['localhost', '127.0.0.1', '::1'];

/**
 * Hosts of the origins seen lately. A site's pages send the same few origins with every event batch,
 * and each batch asks up to six times (the Origin check, the visitor cookie, CORS): a URL parse each
 * (0.35 µs; a lookup here 0.04). Bounded: at HOSTS_KEPT it starts again (a client sending ever-new
 * origins costs what it did without), and long texts are not kept.
 */
const hosts = new Map<string, string | null>();
const HOSTS_KEPT = 1000;

/** The host of an http(s) origin or URL, lower case, IPv6 without brackets; null when there is none (the opaque origin `null`). */
export function originHost(origin: string): string | null {
  let host = hosts.get(origin);
  if (host !== undefined) return host;
  try {
    const u = new URL(origin);
    host = u.protocol === 'http:' || u.protocol === 'https:' ? u.hostname.toLowerCase().replace(/^\[|\]$/g, '') : null;
  } catch {
    host = null;
  }
  if (origin.length <= 256) {
    if (hosts.size >= HOSTS_KEPT) hosts.clear();
    hosts.set(origin, host);
  }
  return host;
}

/** How many origins' hosts are kept (tests). */
export const originHostsKept = (): number => hosts.size;

/** Whether a browser `Origin` header belongs to one of the site's domains (or a subdomain of one). */
export function originAllowed(origin: string, domains: readonly string[], extraHosts: readonly string[] = []): boolean {
  const host = originHost(origin);
  if (host === null) return false;
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
