/**
 * `events`: the clickstream — one row per page view or custom event. Documented for analysts in
 * docs/analysts.md.
 *
 * Layout (version 33, events-layout.ts): sorted by visitor and time, so one browser's rows sit
 * together and its ids compress; the session's touch (source, campaign, channel …) is stored on the
 * session's first event only (the `sessions` table and the `events_with_touch` view carry it to
 * the others); a retried event folds by `event_key`, a 64-bit hash of its `event_id` in the sort
 * key, and `event_id` itself is kept only while repeats can arrive (7 days) and on identifying rows.
 */
import type { Migration } from './migration.js';
import { columnList, eventsLayoutMigrations, FIRST_COLUMNS } from './events-layout.js';
import { toClickHouseTime } from './time.js';

/**
 * A row as toEventRow builds it. Times are epoch milliseconds: the spool's Native columns take them
 * as they are; JSONEachRow (a ClickHouse server, a row its column cannot hold, the demo seed) gets
 * them as text through eventJsonRow.
 */
export interface EventRow {
  site_id: string;
  event_id: string;
  type: string;
  name: string;
  ts: number;
  received_at: number;
  visitor_id: string;
  session_id: string;
  session_start: boolean;
  url: string;
  hostname: string;
  title: string;
  page_referrer: string;
  session_ts: number;
  referrer: string;
  referrer_domain: string;
  landing_url: string;
  channel: string;
  source: string;
  medium: string;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  utm_term: string;
  utm_content: string;
  click_id_type: string;
  click_id: string;
  props: Record<string, string>;
  first_touch: string;
  browser: string;
  browser_version: string;
  os: string;
  os_version: string;
  device_type: string;
  is_bot: boolean;
  sdk_version: string;
  /** Set on identifying events (form with an email, identify): the derived person (migration 10). */
  person_id: string;
  email: string;
  user_id: string;
  /** The site's retention when the event arrived: deleted by TTL this many days after `ts`; 0 = kept (migration 18). */
  retention_days: number;
}

/** An `events` row as a JSONEachRow insert takes it: its times as text. */
export type EventJsonRow = Omit<EventRow, 'ts' | 'received_at' | 'session_ts'> &
  Record<'ts' | 'received_at' | 'session_ts', string>;

/**
 * The row as a JSONEachRow insert takes it: its times as 'YYYY-MM-DD hh:mm:ss.sss' UTC text
 * (storage/time.ts). Never throws: a time that is not a number it can format stays as it is (and
 * ClickHouse refuses the row into dead_letters, as any value its column cannot hold).
 */
export function eventJsonRow(row: EventRow): EventJsonRow {
  return { ...row, ts: timeText(row.ts), received_at: timeText(row.received_at), session_ts: timeText(row.session_ts) };
}

function timeText(ms: number): string {
  try {
    return toClickHouseTime(ms);
  } catch {
    return ms as unknown as string;
  }
}

/** The touch's UTM columns (named as the touch's fields on the wire). */
export const UTM_COLUMNS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
] as const satisfies readonly (keyof EventRow)[];

export { TOUCH_COLUMNS } from './events-layout.js';

export const eventsMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'create events',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.events
      (
${columnList(FIRST_COLUMNS)}
      )
      ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMM(ts)
      ORDER BY (site_id, toDate(ts), visitor_id, ts, event_id)
      SETTINGS non_replicated_deduplication_window = 1000`,
    ],
  },
  {
    version: 18,
    name: 'events: retention per site (TTL)',
    statements: (db) => [
      `ALTER TABLE ${db}.events ADD COLUMN IF NOT EXISTS retention_days UInt16 DEFAULT 0`,
      `ALTER TABLE ${db}.events MODIFY TTL toDateTime(ts) + toIntervalDay(retention_days) WHERE retention_days > 0`,
    ],
  },
  ...eventsLayoutMigrations,
];
