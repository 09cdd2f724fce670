/**
 * `stated_sources`: what a lead *says* brought them ("How did you hear about us?"), from the CRM
 * (a column of the CSV import, or `stated_source` on `POST /v1/conversions`), keyed by the CRM's
 * record id so re-sending replaces it. Answers given in a form on the site are not copied here: they
 * stay in `events.props` under the field's name, and reports read the fields the site names
 * (`sites.stated_source_fields`, migration 32), so renaming the field applies to past answers too.
 */
import type { Db } from './db.js';
import type { Migration } from './migration.js';

export interface StatedSourceRow {
  site_id: string;
  person_id: string;
  source: string;
  ts: string;
  record_id: string;
  version: number;
}

export const statedSourcesMigrations: readonly Migration[] = [
  {
    version: 32,
    name: 'stated sources',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.stated_sources
      (
        site_id   LowCardinality(String),
        person_id UUID,
        source    String CODEC(ZSTD(3)),
        ts        DateTime64(3, 'UTC'),
        record_id String,
        version   UInt64
      )
      ENGINE = ReplacingMergeTree(version)
      ORDER BY (site_id, person_id, record_id)`,
      `ALTER TABLE ${db}.sites ADD COLUMN IF NOT EXISTS stated_source_fields Array(String) DEFAULT []`,
    ],
  },
];

export function insertStatedSources(db: Db, rows: readonly StatedSourceRow[]): Promise<void> {
  return rows.length ? db.insert('stated_sources', rows) : Promise.resolve();
}

/** Form fields read as the stated source when a site names none (compared lower-case, any run of non-letters as `_`). */
export const DEFAULT_SOURCE_FIELDS = [
  'how_did_you_hear',
  'how_did_you_hear_about_us',
  'hdyhau',
  'heard_about_us',
  'where_did_you_hear_about_us',
  'cl_source',
];

/** A field name as compared: `How did you hear?` → `how_did_you_hear`. */
export function fieldKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/**
 * Every person's stated source (bound `{site}` and `{source_fields:Array(String)}`): the latest
 * CRM answer, else the latest form answer in a named field. `source` as given (trimmed).
 */
export function statedSourcesSql(d: string): string {
  return `
    SELECT person_id, argMax(source, (from_crm, ts)) AS source
    FROM
    (
      SELECT person_id, trim(source) AS source, ts, 1 AS from_crm FROM ${d}.stated_sources FINAL WHERE site_id = {site:String} AND trim(source) != ''
      UNION ALL
      SELECT person_id, trim(props[key]) AS source, ts, 0 AS from_crm
      FROM
      (
        SELECT person_id, ts, props,
               arrayFirst(k -> trim(BOTH '_' FROM replaceRegexpAll(lower(k), '[^a-z0-9]+', '_')) IN {source_fields:Array(String)}, mapKeys(props)) AS key
        FROM ${d}.events
        WHERE site_id = {site:String} AND type = 'form' AND person_id != toUUID('00000000-0000-0000-0000-000000000000')
      )
      WHERE key != '' AND trim(props[key]) != ''
    )
    GROUP BY person_id`;
}
