/**
 * Views for attribution, created at start so that analysts (Grafana, Metabase, `closeloop sql`)
 * can use them without reading our code:
 * - `touchpoints`: one row per session (bots excluded) with the touch that started it and the
 *   person its visitor belongs to (zero UUID while anonymous);
 * - `conversions`: one row per conversion — a person becoming a lead, becoming a customer, and
 *   every won deal (revenue) — with its time and value;
 * - `attributed_touches`: one row per (conversion, touch in its 90-day window) with the weight
 *   every rule-based model gives that touch (see attribution/models.ts and the README).
 *
 * `touchpoints` and `attributed_touches` read the `sessions` table (version 19); stores created
 * before it got views over `events` at version 14, replaced at version 20.
 */
import type { Migration } from '../storage/migration.js';
import { attributedTouchesSql, DEFAULT_WINDOW, touchpointsSql } from './models.js';

export const attributionViewsMigrations: readonly Migration[] = [
  {
    version: 14,
    name: 'attribution views',
    statements: (db) => [
      `CREATE VIEW IF NOT EXISTS ${db}.conversions AS
      SELECT site_id, person_id, 'lead' AS kind, min(ts) AS ts, toFloat64(1) AS value, '' AS record_id, '' AS currency
      FROM ${db}.stages FINAL WHERE stage = 'lead' GROUP BY site_id, person_id
      UNION ALL
      SELECT site_id, person_id, 'customer' AS kind, min(ts) AS ts, toFloat64(1) AS value, '' AS record_id, '' AS currency
      FROM ${db}.stages FINAL WHERE stage = 'customer' GROUP BY site_id, person_id
      UNION ALL
      SELECT site_id, person_id, 'revenue' AS kind, ts, toFloat64(amount) AS value, record_id, currency
      FROM ${db}.deals FINAL WHERE status = 'won'`,
    ],
  },
  {
    version: 20,
    name: 'attribution views over sessions',
    statements: (db) => [
      `CREATE OR REPLACE VIEW ${db}.touchpoints AS ${touchpointsSql(db)}`,
      `CREATE OR REPLACE VIEW ${db}.attributed_touches AS ${attributedTouchesSql({ database: db, filtered: false, window: DEFAULT_WINDOW })}`,
    ],
  },
];
