/**
 * `sessions`: one row per session (bots excluded) with the touch that started it — what attribution
 * reads instead of regrouping every `session_start` event of `events` on each request. A
 * materialized view copies the session-start event's touch here in the same insert as the event, so
 * the table is as durable as the events and never updated in place. Sorted by visitor, so "the
 * sessions of these visitors" (a person's devices) reads only their rows.
 *
 * Rows of one session can appear more than once before a merge (a retried batch, two tabs starting
 * the session together); the columns are simple aggregates (earliest `ts`, any touch, as the view
 * `touchpoints` always took them), so readers `GROUP BY site_id, visitor_id, session_id` or use
 * `FINAL`. The site's retention is carried as for events, and the same TTL drops old sessions.
 */
import type { Migration } from './migration.js';

/** The session columns as `events` holds them on a session's first event. */
const FROM_EVENTS = `site_id, visitor_id, session_id, session_ts AS ts, channel, source, medium, utm_campaign AS campaign,
        utm_term AS term, utm_content AS content, referrer_domain, path(landing_url) AS landing_page, retention_days`;
const SESSION_STARTS = 'session_start AND NOT is_bot';

/** The view that copies each session-start event's touch into `sessions` (created again when `events` is rebuilt). */
export const sessionsFromEventsView = (
  db: string,
) => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.sessions_from_events TO ${db}.sessions AS
      SELECT ${FROM_EVENTS} FROM ${db}.events WHERE ${SESSION_STARTS}`;

export const sessionsMigrations: readonly Migration[] = [
  {
    version: 19,
    name: 'create sessions',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.sessions
      (
        site_id         LowCardinality(String),
        visitor_id      UUID,
        session_id      UUID,
        ts              SimpleAggregateFunction(min, DateTime64(3, 'UTC')) CODEC(Delta, ZSTD(1)),
        channel         SimpleAggregateFunction(any, LowCardinality(String)),
        source          SimpleAggregateFunction(any, LowCardinality(String)),
        medium          SimpleAggregateFunction(any, LowCardinality(String)),
        campaign        SimpleAggregateFunction(any, LowCardinality(String)),
        term            SimpleAggregateFunction(any, String) CODEC(ZSTD(3)),
        content         SimpleAggregateFunction(any, String) CODEC(ZSTD(3)),
        referrer_domain SimpleAggregateFunction(any, LowCardinality(String)),
        landing_page    SimpleAggregateFunction(any, String) CODEC(ZSTD(3)),
        retention_days  SimpleAggregateFunction(max, UInt16)
      )
      ENGINE = AggregatingMergeTree
      ORDER BY (site_id, visitor_id, session_id)
      TTL toDateTime(ts) + toIntervalDay(retention_days) WHERE retention_days > 0`,
      sessionsFromEventsView(db),
      // The sessions stored before this version. Created after the view, so nothing inserted
      // meanwhile is missed; a session copied twice (a start that died here and ran again)
      // collapses into one row like any duplicate.
      `INSERT INTO ${db}.sessions SELECT ${FROM_EVENTS} FROM ${db}.events WHERE ${SESSION_STARTS}`,
    ],
  },
  {
    version: 24,
    name: 'deduplicate retried batches in sessions',
    // Filled by a materialized view from events: with deduplicate_blocks_in_dependent_materialized_views
    // (db.ts), a retried events batch is dropped here by its block token too.
    statements: (db) => [`ALTER TABLE ${db}.sessions MODIFY SETTING non_replicated_deduplication_window = 1000`],
  },
];
