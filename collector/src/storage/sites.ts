/**
 * `sites`: the tracked web sites and their public script keys. Few rows, read through the
 * sites cache (sites/cache.ts); versions replace each other by `updated_at`.
 */
import type { Db } from './db.js';
import type { Migration } from './migration.js';
import { toClickHouseTime } from './time.js';

export interface Site {
  site_id: string;
  public_key: string;
  name: string;
  domains: string[];
  created_at: string;
  /** SHA-256 (hex) of the site's secret key; empty when it has none. Never shown by the API. */
  secret_key_hash?: string;
  /** Events of this site are deleted this many days after they happened; 0 (default): kept. */
  retention_days?: number;
  /** IANA time zone the reports' calendar days are counted in (migration 31); `UTC` by default. */
  time_zone?: string;
  /** Form fields whose answer is the lead's stated source (migration 32); empty: the defaults. */
  stated_source_fields?: string[];
}

export const sitesMigrations: readonly Migration[] = [
  {
    version: 2,
    name: 'create sites',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.sites
      (
        site_id    String,
        public_key String,
        name       String,
        domains    Array(String),
        created_at DateTime64(3, 'UTC'),
        updated_at DateTime64(3, 'UTC'),
        deleted    Bool DEFAULT false
      )
      ENGINE = ReplacingMergeTree(updated_at)
      ORDER BY site_id`,
    ],
  },
  {
    version: 3,
    name: 'sites: secret key hash',
    statements: (db) => [`ALTER TABLE ${db}.sites ADD COLUMN IF NOT EXISTS secret_key_hash String DEFAULT ''`],
  },
  {
    version: 17,
    name: 'sites: retention',
    statements: (db) => [`ALTER TABLE ${db}.sites ADD COLUMN IF NOT EXISTS retention_days UInt16 DEFAULT 0`],
  },
  {
    version: 31,
    name: 'sites: time zone',
    statements: (db) => [`ALTER TABLE ${db}.sites ADD COLUMN IF NOT EXISTS time_zone String DEFAULT 'UTC'`],
  },
];

export async function listSites(db: Db): Promise<Site[]> {
  return db.query<Site>(
    `SELECT site_id, public_key, name, domains, toString(created_at) AS created_at, secret_key_hash, retention_days, time_zone, stated_source_fields
     FROM ${db.database}.sites FINAL WHERE NOT deleted ORDER BY site_id`,
  );
}

export async function saveSite(db: Db, site: Site): Promise<void> {
  const now = toClickHouseTime(Date.now());
  await db.insert('sites', [
    {
      ...site,
      secret_key_hash: site.secret_key_hash ?? '',
      retention_days: site.retention_days ?? 0,
      time_zone: site.time_zone || 'UTC',
      stated_source_fields: site.stated_source_fields ?? [],
      created_at: site.created_at || now,
      updated_at: now,
      deleted: false,
    },
  ]);
}
