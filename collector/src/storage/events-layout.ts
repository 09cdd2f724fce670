/**
 * The `events` layout of version 33, and the migration that rewrites a store's existing events
 * into it (issue 16: ≤ 25 bytes per event after merges, measured by benchmarks/attribution-scale.ts):
 *
 * - sorted by `(site_id, visitor_id, ts, event_key)`: one browser's rows sit together, so its
 *   visitor and session ids repeat and compress (ZSTD) instead of being scattered by day;
 * - a repeat of an event (the browser re-sent it) folds by `event_key`, a 64-bit hash of its
 *   `event_id` in the sort key (ReplacingMergeTree), instead of the 16 random bytes of the UUID;
 *   `event_id` itself is kept while repeats can still arrive (7 days after `ts`), and for good on
 *   identifying rows (those with a `person_id`, which `identities` and `stages` name); after that,
 *   merges zero it (a column TTL);
 * - `path` is an ALIAS of `url` (its path), not a stored copy;
 * - the session's touch is stored on the session's first event (and on anonymous events, each its
 *   own touch) and left empty on its later rows — attribution reads `sessions`, analysts the view
 *   `events_with_touch`, which puts each session's touch back on every row.
 *
 * Exactly-once is unchanged: a retried spool batch is dropped by its insert_deduplication_token
 * (the table keeps `non_replicated_deduplication_window`), in the views' targets too.
 *
 * The rewrite copies the old table into `events_v33` (named by its version, so that a later rewrite's
 * staging table never meets this one's Keeper path on a replicated cluster), swaps the two (EXCHANGE TABLES, atomic)
 * and drops the old one; the materialized views on `events` are dropped before the copy and created
 * again on the new table (version 34). Its guard (`done`) makes a start that died after the swap skip
 * the copy: copying the new layout again would recompute `event_key` from ids a merge had zeroed.
 */
import type { Db } from './db.js';
import type { EventRow } from './events.js';
import { identitiesFromEventsView, NIL_UUID_SQL } from './identities.js';
import type { Migration } from './migration.js';
import { sessionsFromEventsView } from './sessions.js';
import { leadStagesFromEventsView } from './stages.js';

/** Days an event's id is kept on rows that identify no one (a browser re-sends an event within hours). */
export const EVENT_ID_DAYS = 7;

/**
 * The session's touch: stored on the row that starts the session (and on anonymous rows, each its
 * own touch), empty on the session's later rows.
 */
export const TOUCH_COLUMNS = [
  'referrer',
  'referrer_domain',
  'landing_url',
  'channel',
  'source',
  'medium',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'click_id_type',
  'click_id',
] as const satisfies readonly (keyof EventRow)[];

/** Every stored column of the layout, in table order: what an insert names (`event_key` is computed, `path` an alias). */
export const EVENT_COLUMNS = [
  'site_id',
  'event_id',
  'type',
  'name',
  'ts',
  'received_at',
  'visitor_id',
  'session_id',
  'session_start',
  'url',
  'hostname',
  'title',
  'page_referrer',
  'session_ts',
  ...TOUCH_COLUMNS,
  'props',
  'first_touch',
  'browser',
  'browser_version',
  'os',
  'os_version',
  'device_type',
  'is_bot',
  'sdk_version',
  'person_id',
  'email',
  'user_id',
  'retention_days',
] as const satisfies readonly (keyof EventRow)[];

/** The columns of version 1 (the first release), with their types. */
export const FIRST_COLUMNS: readonly (readonly [string, string])[] = [
  ['site_id', 'LowCardinality(String)'],
  ['event_id', 'UUID'],
  ['type', 'LowCardinality(String)'],
  ['name', 'LowCardinality(String)'],
  ['ts', "DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1))"],
  ['received_at', "DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1))"],
  ['visitor_id', 'UUID'],
  ['session_id', 'UUID'],
  ['session_start', 'Bool'],
  ['url', 'String CODEC(ZSTD(3))'],
  ['hostname', 'LowCardinality(String)'],
  ['path', 'String CODEC(ZSTD(3))'],
  ['title', 'String CODEC(ZSTD(3))'],
  ['page_referrer', 'String CODEC(ZSTD(3))'],
  ['session_ts', "DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1))"],
  ['referrer', 'String CODEC(ZSTD(3))'],
  ['referrer_domain', 'LowCardinality(String)'],
  ['landing_url', 'String CODEC(ZSTD(3))'],
  ['channel', 'LowCardinality(String)'],
  ['source', 'LowCardinality(String)'],
  ['medium', 'LowCardinality(String)'],
  ['utm_source', 'LowCardinality(String)'],
  ['utm_medium', 'LowCardinality(String)'],
  ['utm_campaign', 'LowCardinality(String)'],
  ['utm_term', 'String CODEC(ZSTD(3))'],
  ['utm_content', 'String CODEC(ZSTD(3))'],
  ['click_id_type', 'LowCardinality(String)'],
  ['click_id', 'String CODEC(ZSTD(3))'],
  ['props', 'Map(LowCardinality(String), String) CODEC(ZSTD(3))'],
  ['first_touch', 'String CODEC(ZSTD(3))'],
  ['browser', 'LowCardinality(String)'],
  ['browser_version', 'LowCardinality(String)'],
  ['os', 'LowCardinality(String)'],
  ['os_version', 'LowCardinality(String)'],
  ['device_type', 'LowCardinality(String)'],
  ['is_bot', 'Bool'],
  ['sdk_version', 'LowCardinality(String)'],
];

/** Column definitions as DDL lines. */
export function columnList(columns: readonly (readonly [string, string])[]): string {
  return columns.map(([name, type]) => `        ${name.padEnd(15)} ${type}`).join(',\n');
}

/** The columns of this layout: version 1's with new codecs, `event_key` and `path` an alias, then the later additions. */
export function layoutColumns(): (readonly [string, string])[] {
  const changed: Record<string, string> = {
    event_id: `UUID CODEC(ZSTD(1))
                        TTL if(person_id = ${NIL_UUID_SQL}, toDateTime(ts) + toIntervalDay(${EVENT_ID_DAYS}), toDateTime('2105-12-31 00:00:00', 'UTC'))`,
    visitor_id: 'UUID CODEC(ZSTD(1))',
    session_id: 'UUID CODEC(ZSTD(1))',
    // as ingest/to-row.ts splitUrl() took it: a URL's path, '/' when empty; an unparsable URL's text
    path: "String ALIAS if(hostname = '', substringUTF8(url, 1, 512), if(path(url) = '', '/', path(url)))",
  };
  return [
    ...FIRST_COLUMNS.flatMap(([name, type]) => {
      const column = [name, changed[name] ?? type] as const;
      return name === 'event_id'
        ? [column, ['event_key', 'UInt64 MATERIALIZED cityHash64(event_id)'] as const]
        : [column];
    }),
    ['person_id', `UUID DEFAULT ${NIL_UUID_SQL} CODEC(ZSTD(1))`],
    ['email', "String DEFAULT '' CODEC(ZSTD(3))"],
    ['user_id', "String DEFAULT '' CODEC(ZSTD(3))"],
    ['retention_days', 'UInt16 DEFAULT 0'],
  ];
}

/** A row that carries its session's touch: the session's first, or an anonymous one (its own touch). */
export const CARRIES_TOUCH = `session_start OR session_id = ${NIL_UUID_SQL}`;

function createEvents(db: string, table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${db}.${table}
      (
${columnList(layoutColumns())}
      )
      ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMM(ts)
      ORDER BY (site_id, visitor_id, ts, event_key)
      TTL toDateTime(ts) + toIntervalDay(retention_days) WHERE retention_days > 0
      SETTINGS non_replicated_deduplication_window = 1000`;
}

/** The old rows as the new layout stores them: touch columns only where the row carries the touch. */
function copyColumns(): string {
  const touch = new Set<string>(TOUCH_COLUMNS);
  return EVENT_COLUMNS.map((c) => (touch.has(c) ? `if(${CARRIES_TOUCH}, ${c}, '') AS ${c}` : c)).join(', ');
}

/** The rewrite's staging table: the new layout filled from the old one, then swapped in (storage/cluster.ts REWRITE_TABLE). */
const STAGING = 'events_v33';

const VIEWS_ON_EVENTS = ['sessions_from_events', 'identities_from_events', 'lead_stages_from_events'];

/** Whether `events` (on a cluster: the shard's `events_local`) already has the layout of version 33. */
async function hasLayout(db: Db): Promise<boolean> {
  const rows = await db.query<{ n: string }>(
    `SELECT count() AS n FROM system.columns WHERE database = {db:String} AND table IN ('events', 'events_local') AND name = 'event_key'`,
    { db: db.database },
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

/**
 * The view analysts read per-event touches from: each event (repeats folded: FINAL) with its
 * session's touch, taken from the session's first event.
 */
export function eventsWithTouchView(db: string): string {
  const cols = TOUCH_COLUMNS.join(', ');
  return `CREATE OR REPLACE VIEW ${db}.events_with_touch AS
      SELECT e.* EXCEPT (${cols}), e.path AS path,
             ${TOUCH_COLUMNS.map((c) => `if(${CARRIES_TOUCH.replace(/session_(start|id)/g, 'e.session_$1')}, e.${c}, t.${c}) AS ${c}`).join(',\n             ')}
      FROM ${db}.events AS e FINAL
      LEFT JOIN
      (
        SELECT site_id, session_id, ${cols} FROM ${db}.events WHERE session_start
        ORDER BY ts LIMIT 1 BY site_id, session_id
      ) AS t ON t.site_id = e.site_id AND t.session_id = e.session_id`;
}

export const eventsLayoutMigrations: readonly Migration[] = [
  {
    version: 33,
    name: 'events: layout by visitor, event_key, touch on session starts (rewrite)',
    done: hasLayout,
    statements: (db) => [
      ...VIEWS_ON_EVENTS.map((v) => `DROP VIEW IF EXISTS ${db}.${v}`),
      // Left by a start that died before the swap (the old table still holds every row).
      `DROP TABLE IF EXISTS ${db}.${STAGING}`,
      createEvents(db, STAGING),
      `INSERT INTO ${db}.${STAGING} (${EVENT_COLUMNS.join(', ')}) SELECT ${copyColumns()} FROM ${db}.events`,
      `EXCHANGE TABLES ${db}.events AND ${db}.${STAGING}`,
    ],
  },
  {
    version: 34,
    name: 'events: views over the rewritten table',
    statements: (db) => [
      `DROP TABLE IF EXISTS ${db}.${STAGING}`,
      sessionsFromEventsView(db),
      identitiesFromEventsView(db),
      leadStagesFromEventsView(db),
      eventsWithTouchView(db),
    ],
  },
];
