/**
 * Views for attribution, created at start so that analysts (Grafana, Metabase, `closeloop sql`)
 * can use them without reading our code:
 * - `touchpoints`: one row per session (bots excluded) with the touch that started it and the
 *   person its visitor belongs to (zero UUID while anonymous);
 * - `conversions`: one row per conversion — a person becoming a lead, becoming a customer, and
 *   every won deal (revenue) — with its time and value;
 * - `attributed_touches`: one row per (conversion, touch in its 90-day window) with the weight
 *   every rule-based model gives that touch (see attribution/models.ts and the README).
 */
import { attributedTouchesSql, DEFAULT_WINDOW } from '../attribution/models.js';
import type { Migration } from './migration.js';

export const attributionViewsMigrations: readonly Migration[] = [
  {
    version: 14,
    name: 'attribution views',
    statements: (db) => [
      `CREATE VIEW IF NOT EXISTS ${db}.touchpoints AS
      SELECT s.site_id AS site_id, vp.person_id AS person_id, s.visitor_id AS visitor_id, s.session_id AS session_id, s.first_ts AS ts,
             s.s_channel AS channel, s.s_source AS source, s.s_medium AS medium, s.s_campaign AS campaign, s.s_term AS term,
             s.s_content AS content, s.s_referrer_domain AS referrer_domain, s.s_landing_page AS landing_page
      FROM
      (
        SELECT site_id, visitor_id, session_id, min(session_ts) AS first_ts,
               any(channel) AS s_channel, any(source) AS s_source, any(medium) AS s_medium, any(utm_campaign) AS s_campaign,
               any(utm_term) AS s_term, any(utm_content) AS s_content, any(referrer_domain) AS s_referrer_domain,
               any(path(landing_url)) AS s_landing_page
        FROM ${db}.events
        WHERE session_start AND NOT is_bot
        GROUP BY site_id, visitor_id, session_id
      ) AS s
      LEFT JOIN ${db}.visitor_people AS vp ON vp.site_id = s.site_id AND vp.visitor_id = s.visitor_id`,
      `CREATE VIEW IF NOT EXISTS ${db}.conversions AS
      SELECT site_id, person_id, 'lead' AS kind, min(ts) AS ts, toFloat64(1) AS value, '' AS record_id, '' AS currency
      FROM ${db}.stages FINAL WHERE stage = 'lead' GROUP BY site_id, person_id
      UNION ALL
      SELECT site_id, person_id, 'customer' AS kind, min(ts) AS ts, toFloat64(1) AS value, '' AS record_id, '' AS currency
      FROM ${db}.stages FINAL WHERE stage = 'customer' GROUP BY site_id, person_id
      UNION ALL
      SELECT site_id, person_id, 'revenue' AS kind, ts, toFloat64(amount) AS value, record_id, currency
      FROM ${db}.deals FINAL WHERE status = 'won'`,
      `CREATE VIEW IF NOT EXISTS ${db}.attributed_touches AS ${attributedTouchesSql({ database: db, filtered: false, window: DEFAULT_WINDOW })}`,
    ],
  },
];
