/**
 * `costs`: marketing spend per day and campaign (source, medium, campaign), from an ad platform
 * export or the API. Keyed by (site, day, source, medium, campaign): sending a day's spend again
 * replaces it (ReplacingMergeTree by `version`; read with FINAL). `channel` is derived from source
 * and medium by the same rules as sessions, so spend lines up with attributed credit.
 */
import type { Db } from './db.js';
import type { Migration } from './migration.js';

export interface CostRow {
  site_id: string;
  day: string;
  channel: string;
  source: string;
  medium: string;
  campaign: string;
  amount: string;
  currency: string;
  updated_at: string;
  version: number;
}

export const costsMigrations: readonly Migration[] = [
  {
    version: 15,
    name: 'create costs',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.costs
      (
        site_id    LowCardinality(String),
        day        Date,
        channel    LowCardinality(String),
        source     LowCardinality(String),
        medium     LowCardinality(String),
        campaign   String,
        amount     Decimal(18, 2),
        currency   LowCardinality(String),
        updated_at DateTime64(3, 'UTC'),
        version    UInt64
      )
      ENGINE = ReplacingMergeTree(version)
      ORDER BY (site_id, day, source, medium, campaign)`,
    ],
  },
];

export function insertCosts(db: Db, rows: readonly CostRow[]): Promise<void> {
  return db.insert('costs', rows);
}

/** Which of these (day, source, medium, campaign) keys are stored already. */
export async function existingCostKeys(db: Db, siteId: string, rows: readonly CostRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const found = await db.query<{ k: string }>(
    `SELECT DISTINCT concat(toString(day), '\\t', source, '\\t', medium, '\\t', campaign) AS k FROM ${db.database}.costs
     WHERE site_id = {site:String} AND day IN {days:Array(Date)}`,
    { site: siteId, days: [...new Set(rows.map((r) => r.day))] },
  );
  return new Set(found.map((r) => r.k));
}

export const costKey = (r: Pick<CostRow, 'day' | 'source' | 'medium' | 'campaign'>) =>
  `${r.day}\t${r.source}\t${r.medium}\t${r.campaign}`;
