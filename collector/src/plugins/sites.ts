/**
 * Infrastructure plugin: the site-key cache. Event requests look their key up here, not in
 * ClickHouse; the cache reloads every 30 s, and at most once a second on an unknown key, so a
 * site added by another collector is found quickly without a query per request.
 */
import { randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import { ClError } from '../errors.js';
import type { Db } from '../storage/db.js';
import { listSites, saveSite, type Site } from '../storage/sites.js';

declare module 'fastify' {
  interface FastifyInstance {
    sites: SiteCache;
  }
}

export const DEMO_SITE: Site = Object.freeze({
  site_id: 'demo',
  public_key: 'pk_demo',
  name: 'closeloop demo site',
  domains: ['localhost', '127.0.0.1'],
  created_at: '',
}) as Site;

const RELOAD_EVERY_MS = 30_000;
const RELOAD_ON_MISS_MS = 1_000;

export class SiteCache {
  private byKey = new Map<string, Site>();
  private byId = new Map<string, Site>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(private readonly db: Db) {}

  async load(): Promise<void> {
    this.loading ??= listSites(this.db)
      .then((sites) => {
        this.byKey = new Map(sites.map((s) => [s.public_key, s]));
        this.byId = new Map(sites.map((s) => [s.site_id, s]));
        this.loadedAt = Date.now();
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** The site a public key belongs to, or undefined. */
  async byPublicKey(key: string): Promise<Site | undefined> {
    const age = Date.now() - this.loadedAt;
    if (age > RELOAD_EVERY_MS) await this.load();
    let site = this.byKey.get(key);
    if (!site && age > RELOAD_ON_MISS_MS) {
      await this.load();
      site = this.byKey.get(key);
    }
    return site;
  }

  list(): Site[] {
    return [...this.byId.values()];
  }

  /** Register a site by its domain; the domain (lower-cased) becomes its id. */
  async add(input: { domain: string; name?: string; publicKey?: string }): Promise<Site> {
    await this.load();
    const siteId = normalizeDomain(input.domain);
    if (this.byId.has(siteId)) throw new ClError('CL_SITE_EXISTS', `A site with id '${siteId}' already exists.`);
    return this.save({
      site_id: siteId,
      public_key: input.publicKey ?? newPublicKey(),
      name: input.name ?? siteId,
      domains: [siteId],
      created_at: '',
    });
  }

  /** Create the site if it is missing (demo and tests); returns it either way. */
  async ensure(site: Site): Promise<Site> {
    await this.load();
    return this.byId.get(site.site_id) ?? this.save(site);
  }

  private async save(site: Site): Promise<Site> {
    await saveSite(this.db, site);
    await this.load();
    return this.byId.get(site.site_id) ?? site;
  }
}

export function normalizeDomain(domain: string): string {
  const d = domain.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '').replace(/^www\./, '');
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/.test(d)) {
    throw new ClError('CL_INVALID_REQUEST', `'${domain}' is not a domain name (e.g. shop.example.com).`, { path: 'domain' });
  }
  return d;
}

function newPublicKey(): string {
  return `pk_${randomBytes(15).toString('base64url')}`;
}

export default fp(
  async (app) => {
    const cache = new SiteCache(app.db);
    await cache.load();
    app.decorate('sites', cache);
  },
  { name: 'sites', dependencies: ['clickhouse'] },
);
