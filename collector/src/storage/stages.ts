/**
 * `stages`: a person's lifecycle as history — lead, mql, sql, opportunity, customer, lost — one
 * row per change with its time. Lead rows come from identifying events (materialized view);
 * CRM changes are keyed by the CRM's record id, so re-sending one replaces instead of adding.
 * A person's current stage: `customer` once they have been one (a later lost deal does not undo
 * it); else `lost` when that is their latest CRM stage; else the furthest of lead → mql → sql →
 * opportunity they reached.
 */
import type { Db } from './db.js';
import type { Migration } from './migration.js';
import { NIL_UUID_SQL } from './identities.js';

export const STAGES = ['lead', 'mql', 'sql', 'opportunity', 'customer', 'lost'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageRow {
  site_id: string;
  person_id: string;
  stage: Stage;
  ts: string;
  source: string;
  record_id: string;
  /** The normalized email the source named, '' when none. */
  email: string;
  version: number;
}

/** The view that makes a person a lead from an identifying event (created again when `events` is rebuilt). */
export const leadStagesFromEventsView = (
  db: string,
) => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.lead_stages_from_events TO ${db}.stages AS
      SELECT site_id, person_id, 'lead' AS stage, ts, 'web' AS source, toString(event_id) AS record_id, email, toUInt64(0) AS version
      FROM ${db}.events
      WHERE person_id != ${NIL_UUID_SQL}`;

export const stagesMigrations: readonly Migration[] = [
  {
    version: 12,
    name: 'create stages',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.stages
      (
        site_id   LowCardinality(String),
        person_id UUID,
        stage     LowCardinality(String),
        ts        DateTime64(3, 'UTC'),
        source    LowCardinality(String),
        record_id String,
        email     String,
        version   UInt64
      )
      ENGINE = ReplacingMergeTree(version)
      ORDER BY (site_id, person_id, stage, record_id)`,
      leadStagesFromEventsView(db),
    ],
  },
  {
    version: 26,
    name: 'deduplicate retried batches in stages',
    // Filled by a materialized view from events: with deduplicate_blocks_in_dependent_materialized_views
    // (db.ts), a retried events batch is dropped here by its block token too.
    statements: (db) => [`ALTER TABLE ${db}.stages MODIFY SETTING non_replicated_deduplication_window = 1000`],
  },
];

export function insertStages(db: Db, rows: readonly StageRow[]): Promise<void> {
  return db.insert('stages', rows);
}
