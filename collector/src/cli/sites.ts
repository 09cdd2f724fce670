/** `closeloop sites add <domain> [--name N]`, `closeloop sites set <site> …` and `closeloop sites list`. */
import type { Config } from '../base/config.js';
import { SiteCache, type SiteChange } from '../sites/cache.js';
import type { Site } from '../storage/sites.js';
import { httpAdminClient, viaCollectorOrStore as viaCollectorOrDb } from './admin-client.js';

const viaCollectorOrStore = <T>(config: Config, remote: () => Promise<T>, local: (sites: SiteCache) => Promise<T>) =>
  viaCollectorOrDb(config, remote, (db) => local(new SiteCache(db)));

export async function sitesAddCommand(
  config: Config,
  domain: string,
  name: string | undefined,
  out: (s: string) => void,
): Promise<void> {
  const body = { domain, ...(name ? { name } : {}) };
  const site = await viaCollectorOrStore(
    config,
    () => httpAdminClient(config).call<Site & { secret_key?: string }>('POST', '/v1/admin/sites', body),
    (sites): Promise<Site & { secret_key?: string }> => sites.add(body),
  );
  out(`site ${site.site_id} added. Its script tag:`);
  out(`  <script async src="${config.collectorUrl}/cl.js" data-site="${site.public_key}"></script>`);
  out(`public key: ${site.public_key}`);
  if (site.secret_key) out(`secret key: ${site.secret_key}   (for server APIs; shown only now — keep it safe)`);
}

export async function sitesListCommand(config: Config, out: (s: string) => void): Promise<void> {
  const sites = await viaCollectorOrStore(
    config,
    async () => (await httpAdminClient(config).call<{ sites: Site[] }>('GET', '/v1/admin/sites')).sites,
    async (cache) => {
      await cache.load();
      return cache.list();
    },
  );
  if (sites.length === 0) {
    out('no sites yet: closeloop sites add <domain>');
    return;
  }
  const row = (id: string, key: string, domains: string, retention: string) =>
    `${id.padEnd(30)} ${key.padEnd(26)} ${retention.padEnd(10)} ${domains}`;
  out(row('SITE ID', 'PUBLIC KEY', 'DOMAINS', 'RETENTION'));
  for (const s of sites)
    out(
      row(s.site_id, s.public_key, s.domains.join(', '), s.retention_days ? `${s.retention_days} days` : 'unlimited'),
    );
}

/** `closeloop sites set <site> [--name N] [--domains a,b] [--retention-days N] [--time-zone TZ] [--source-fields a,b]`. */
export async function sitesSetCommand(
  config: Config,
  siteId: string,
  change: SiteChange,
  out: (s: string) => void,
): Promise<void> {
  const site = await viaCollectorOrStore(
    config,
    () => httpAdminClient(config).call<Site>('PATCH', `/v1/admin/sites/${encodeURIComponent(siteId)}`, change),
    (sites) => sites.update(siteId, change),
  );
  const fields = site.stated_source_fields?.length ? site.stated_source_fields.join(', ') : 'the defaults';
  out(
    `site ${site.site_id}: domains ${site.domains.join(', ')}; retention ${site.retention_days ? `${site.retention_days} days` : 'unlimited'}; time zone ${site.time_zone || 'UTC'}; stated source fields ${fields}`,
  );
}
