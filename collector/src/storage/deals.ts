/**
 * `deals`: CRM records (closed deals, lost deals, open opportunities) with amount and currency,
 * keyed by the CRM's own record id. A ReplacingMergeTree by `version`: sending a record again
 * updates it, never double-counts (read with FINAL). A person with a won deal is a customer.
 */
import type { Db } from './db.js';
import type { Migration } from './migration.js';

export const DEAL_STATUSES = ['won', 'lost', 'open'] as const;
export type DealStatus = (typeof DEAL_STATUSES)[number];

export interface DealRow {
  site_id: string;
  record_id: string;
  person_id: string;
  email: string;
  user_id: string;
  status: DealStatus;
  amount: string;
  currency: string;
  ts: string;
  source: string;
  updated_at: string;
  version: number;
}

export const dealsMigrations: readonly Migration[] = [
  {
    version: 13,
    name: 'create deals and people',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.deals
      (
        site_id    LowCardinality(String),
        record_id  String,
        person_id  UUID,
        email      String,
        user_id    String,
        status     LowCardinality(String),
        amount     Decimal(18, 2),
        currency   LowCardinality(String),
        ts         DateTime64(3, 'UTC'),
        source     LowCardinality(String),
        updated_at DateTime64(3, 'UTC'),
        version    UInt64
      )
      ENGINE = ReplacingMergeTree(version)
      ORDER BY (site_id, record_id)`,
      // One row per known person (everyone with a stage: identified on the web or named by the CRM).
      `CREATE VIEW IF NOT EXISTS ${db}.people AS
      SELECT
        st.site_id AS site_id,
        st.person_id AS person_id,
        multiIf(ids.known_email != '', ids.known_email, dl.deal_email != '', dl.deal_email, st.stage_email) AS email,
        ids.known_user_id AS user_id,
        ids.visitors AS visitors,
        st.lead_at AS lead_at,
        st.customer_at AS customer_at,
        st.current_stage AS stage,
        dl.revenue AS revenue,
        dl.won_currency AS currency,
        dl.won_deals AS won_deals
      FROM
      (
        SELECT site_id, person_id,
               nullIf(minIf(ts, stage = 'lead'), toDateTime64(0, 3, 'UTC')) AS lead_at,
               nullIf(minIf(ts, stage = 'customer'), toDateTime64(0, 3, 'UTC')) AS customer_at,
               multiIf(countIf(stage = 'customer') > 0, 'customer',
                       argMaxIf(stage, ts, stage != 'lead') = 'lost', 'lost',
                       ['lead', 'mql', 'sql', 'opportunity'][greatest(1, max(indexOf(['lead', 'mql', 'sql', 'opportunity'], stage)))]) AS current_stage,
               argMaxIf(email, ts, email != '') AS stage_email
        FROM ${db}.stages FINAL
        GROUP BY site_id, person_id
      ) AS st
      LEFT JOIN
      (
        SELECT site_id, person_id, argMaxIf(email, ts, email != '') AS known_email, argMaxIf(user_id, ts, user_id != '') AS known_user_id,
               uniqExact(visitor_id) AS visitors
        FROM ${db}.identities
        GROUP BY site_id, person_id
      ) AS ids ON ids.site_id = st.site_id AND ids.person_id = st.person_id
      LEFT JOIN
      (
        SELECT site_id, person_id, sumIf(amount, status = 'won') AS revenue, anyIf(currency, status = 'won') AS won_currency,
               countIf(status = 'won') AS won_deals, argMaxIf(email, updated_at, email != '') AS deal_email
        FROM ${db}.deals FINAL
        GROUP BY site_id, person_id
      ) AS dl ON dl.site_id = st.site_id AND dl.person_id = st.person_id`,
    ],
  },
];

export function insertDeals(db: Db, rows: readonly DealRow[]): Promise<void> {
  return db.insert('deals', rows);
}
