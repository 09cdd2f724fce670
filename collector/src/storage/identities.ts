/**
 * `identities`: visitor → person links, append-only. A form fill or identify() event with an email
 * or user id carries the derived person id (identity/person.ts); a materialized view copies it
 * here, so the link is stored by the same durable insert as the event itself. A CRM record that
 * names a visitor adds a link too. The current person of a visitor is `argMax(person_id, ts)`:
 * nothing is ever updated in place.
 */
import type { Db } from './db.js';
import type { Migration } from './migration.js';

export const NIL_UUID = '00000000-0000-0000-0000-000000000000';
/** NIL_UUID as a ClickHouse expression, for queries comparing UUID columns with it. */
export const NIL_UUID_SQL = `toUUID('${NIL_UUID}')`;

export interface IdentityRow {
  site_id: string;
  visitor_id: string;
  person_id: string;
  ts: string;
  via: string;
  email: string;
  user_id: string;
  event_id: string;
}

/** The view that links visitors to people from identifying events (created again when `events` is rebuilt). */
export const identitiesFromEventsView = (
  db: string,
) => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.identities_from_events TO ${db}.identities AS
      SELECT site_id, visitor_id, person_id, ts, type AS via, email, user_id, event_id
      FROM ${db}.events
      WHERE person_id != ${NIL_UUID_SQL}`;

export const identitiesMigrations: readonly Migration[] = [
  {
    version: 10,
    name: 'events: person columns',
    statements: (db) => [
      `ALTER TABLE ${db}.events
        ADD COLUMN IF NOT EXISTS person_id UUID DEFAULT ${NIL_UUID_SQL} CODEC(ZSTD(1)),
        ADD COLUMN IF NOT EXISTS email String DEFAULT '' CODEC(ZSTD(3)),
        ADD COLUMN IF NOT EXISTS user_id String DEFAULT '' CODEC(ZSTD(3))`,
    ],
  },
  {
    version: 11,
    name: 'create identities',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.identities
      (
        site_id    LowCardinality(String),
        visitor_id UUID,
        person_id  UUID,
        ts         DateTime64(3, 'UTC'),
        via        LowCardinality(String),
        email      String,
        user_id    String,
        event_id   UUID
      )
      ENGINE = ReplacingMergeTree
      ORDER BY (site_id, visitor_id, ts, event_id)`,
      identitiesFromEventsView(db),
      // The current person of every visitor that was ever identified.
      `CREATE VIEW IF NOT EXISTS ${db}.visitor_people AS
      SELECT site_id, visitor_id, argMax(person_id, ts) AS person_id, min(ts) AS identified_at
      FROM ${db}.identities
      GROUP BY site_id, visitor_id`,
    ],
  },
  {
    version: 25,
    name: 'deduplicate retried batches in identities',
    // Filled by a materialized view from events: with deduplicate_blocks_in_dependent_materialized_views
    // (db.ts), a retried events batch is dropped here by its block token too.
    statements: (db) => [`ALTER TABLE ${db}.identities MODIFY SETTING non_replicated_deduplication_window = 1000`],
  },
];

export function insertIdentities(db: Db, rows: readonly IdentityRow[]): Promise<void> {
  return db.insert('identities', rows);
}
