/**
 * The site cache: event requests look their key up here, not in ClickHouse; the cache reloads every
 * 30 s, and at most once a second on an unknown key, so a site added by another collector is found
 * quickly without a query per request. Also where sites are added and changed (admin API, CLI).
 * plugins/sites.ts puts one on the app as `app.sites`.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { ClError } from '../base/errors.js';
import type { Db } from '../storage/db.js';
import { listSites, saveSite, type Site } from '../storage/sites.js';
import { DEFAULT_SOURCE_FIELDS, fieldKey } from '../storage/stated-sources.js';
import { normalizeDomain } from './origin.js';
import { digestMatches, hashSecret, newPublicKey, newSecret, sha256 } from './secret.js';

const RELOAD_EVERY_MS = 30_000;
const RELOAD_ON_MISS_MS = 1_000;

/** What an admin may change on a site (PATCH /v1/admin/sites/:site, `closeloop sites set`). */
export interface SiteChange {
  name?: string;
  domains?: string[];
  retention_days?: number;
  time_zone?: string;
  stated_source_fields?: string[];
}

export class SiteCache {
  private byKey = new Map<string, Site>();
  private byId = new Map<string, Site>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  /** `copyFile`: where the list is kept on disk, so events are accepted even when ClickHouse is down at start. */
  constructor(
    private readonly db: Db,
    private readonly copyFile?: string,
  ) {}

  async load(): Promise<void> {
    this.loading ??= listSites(this.db)
      .then((sites) => {
        this.use(sites);
        this.loadedAt = Date.now();
        if (this.copyFile) {
          writeFileSync(`${this.copyFile}.tmp`, JSON.stringify(sites));
          renameSync(`${this.copyFile}.tmp`, this.copyFile);
        }
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** The last list saved to disk, when ClickHouse cannot be read. False when there is none. */
  loadCopy(): boolean {
    if (!this.copyFile) return false;
    try {
      this.use(JSON.parse(readFileSync(this.copyFile, 'utf8')) as Site[]);
      return true;
    } catch {
      return false;
    }
  }

  /** Add a site to this cache only (the demo site while ClickHouse is unreachable). */
  remember(site: Site): void {
    this.use([...this.byId.values(), site]);
  }

  private use(sites: Site[]): void {
    this.byKey = new Map(sites.map((s) => [s.public_key, s]));
    this.byId = new Map(sites.map((s) => [s.site_id, s]));
  }

  /** The site whose secret key this is (its hash compared in constant time), or undefined. */
  async bySecretKey(key: string): Promise<Site | undefined> {
    if (!key.startsWith('sk_') || key.length > 200) return undefined;
    if (Date.now() - this.loadedAt > RELOAD_ON_MISS_MS) await this.load().catch(() => undefined);
    const digest = sha256(key);
    let found: Site | undefined;
    for (const s of this.byId.values()) if (digestMatches(digest, s.secret_key_hash)) found = s; // no early exit: same time for every key
    return found;
  }

  /** The site of a public key as this cache knows it now — undefined when it does not, or is due to reload (then: byPublicKey). */
  freshByPublicKey(key: string): Site | undefined {
    return Date.now() - this.loadedAt > RELOAD_EVERY_MS ? undefined : this.byKey.get(key);
  }

  /** The site a public key belongs to, or undefined. */
  async byPublicKey(key: string): Promise<Site | undefined> {
    const age = Date.now() - this.loadedAt;
    if (age > RELOAD_EVERY_MS) await this.load().catch(() => undefined); // ClickHouse down: keep what we know
    let site = this.byKey.get(key);
    if (!site && age > RELOAD_ON_MISS_MS) {
      await this.load().catch(() => undefined);
      site = this.byKey.get(key);
    }
    return site;
  }

  /** A site's time zone for calendar days in reports (`UTC` when it has none). */
  timeZone(siteId: string): string {
    return this.byId.get(siteId)?.time_zone || 'UTC';
  }

  /** The form fields (compared as `fieldKey`) whose answer is a lead's stated source. */
  statedSourceFields(siteId: string): string[] {
    const named = this.byId.get(siteId)?.stated_source_fields ?? [];
    return named.length ? named.map(fieldKey) : DEFAULT_SOURCE_FIELDS;
  }

  /** The sites, without their secret key hashes. */
  list(): Site[] {
    return [...this.byId.values()].map(publicView);
  }

  /** Register a site by its domain; the domain (lower-cased) becomes its id. The secret key is returned only here. */
  async add(input: { domain: string; name?: string; publicKey?: string }): Promise<Site & { secret_key: string }> {
    await this.load();
    const siteId = normalizeDomain(input.domain);
    if (this.byId.has(siteId)) throw new ClError('CL_SITE_EXISTS', `A site with id '${siteId}' already exists.`);
    const secret = newSecret('sk_');
    const site = await this.save({
      site_id: siteId,
      public_key: input.publicKey ?? newPublicKey(),
      name: input.name ?? siteId,
      domains: [siteId],
      created_at: '',
      secret_key_hash: hashSecret(secret),
    });
    return { ...publicView(site), secret_key: secret };
  }

  /** Change a site's name, domains, retention or time zone. */
  async update(siteId: string, change: SiteChange): Promise<Site> {
    await this.load();
    const site = this.byId.get(siteId);
    if (!site) throw new ClError('CL_UNKNOWN_SITE', `No site has the id '${siteId.slice(0, 100)}'.`);
    const domains = change.domains?.map(normalizeDomain);
    return publicView(await this.save({ ...site, ...change, ...(domains ? { domains: [...new Set(domains)] } : {}) }));
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

function publicView(site: Site): Site {
  const { secret_key_hash: _hash, ...rest } = site;
  return rest;
}
