/**
 * `dead_letters`: accepted events that could not become `events` rows — enrichment failed, or
 * ClickHouse refused the row as data — kept with the reason instead of being dropped. Should stay
 * empty; `closeloop_dead_letters_total` counts what lands here.
 */
import type { Migration } from './migration.js';
import { toClickHouseTime } from './time.js';

export interface DeadLetterRow {
  received_at: string;
  site_id: string;
  /** Where it failed: 'enrich' (in the event route) or 'insert' (ClickHouse refused it). */
  stage: string;
  reason: string;
  /** The event (stage enrich) or the refused JSONEachRow lines (stage insert). */
  payload: string;
}

export const deadLettersMigrations: readonly Migration[] = [
  {
    version: 4,
    name: 'create dead_letters',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.dead_letters
      (
        received_at DateTime64(3, 'UTC'),
        site_id     LowCardinality(String),
        stage       LowCardinality(String),
        reason      String,
        payload     String CODEC(ZSTD(3))
      )
      ENGINE = MergeTree
      ORDER BY received_at
      SETTINGS non_replicated_deduplication_window = 1000`,
    ],
  },
];

export function deadLetter(
  stage: string,
  siteId: string,
  reason: string,
  payload: string,
  at = Date.now(),
): DeadLetterRow {
  return {
    received_at: toClickHouseTime(at),
    site_id: siteId,
    stage,
    reason: reason.slice(0, 2000),
    payload: payload.slice(0, 1_000_000),
  };
}
