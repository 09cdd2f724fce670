/**
 * The `events` layout (issue 16: ≤ 25 bytes per event after merges, measured by
 * benchmarks/attribution-scale.ts), and the migrations that rewrite a store's existing events into it.
 *
 * Version 33:
 * - sorted by visitor and time: one browser's rows sit together, so its visitor and session ids
 *   repeat and compress (ZSTD) instead of being scattered by day;
 * - a repeat of an event (the browser re-sent it) folds by `event_key` in the sort key
 *   (ReplacingMergeTree), instead of the 16 random bytes of the UUID; `event_id` itself is kept while
 *   repeats can still arrive (7 days after `ts`), and for good on identifying rows (those with a
 *   `person_id`, which `identities` and `stages` name); after that, merges zero it (a column TTL);
 * - `path` is an ALIAS of `url` (its path), not a stored copy;
 * - the session's touch is stored on the session's first event (and on anonymous events, each its
 *   own touch) and left empty on its later rows — attribution reads `sessions`, analysts the view
 *   `events_with_touch`, which puts each session's touch back on every row.
 *
 * Version 35 (this layout):
 * - `event_key` compresses: an event of the SDK (wire format 2) is numbered within its session
 *   (sdk/src/session.ts), and its `event_id` carries that number ({@link SEQUENCE_ID}); its key is
 *   the number (0, 1, 2 … — a few bits per row under T64) instead of a 64-bit hash. Any other
 *   `event_id` (v1 clients, server-side API events, the SDK's anonymous events) keeps the 64-bit
 *   hash. The sort key is `(site_id, visitor_id, ts, session_id, event_key)`: two events fold only
 *   when visitor, time, session and key are all equal, so numbers need only be unique per session;
 * - codecs measured per column: ZSTD on the LowCardinality and Bool columns (they had LZ4, the
 *   default), higher ZSTD levels on the long strings.
 *
 * Exactly-once is unchanged: a retried spool batch is dropped by its insert_deduplication_token
 * (the table keeps `non_replicated_deduplication_window`), in the views' targets too.
 *
 * A rewrite copies the old table into `events_v<version>` (named by its version, so that a later
 * rewrite's staging table never meets this one's Keeper path on a replicated cluster), swaps the two
 * (EXCHANGE TABLES, atomic) and drops the old one; the materialized views on `events` are dropped
 * before the copy and created again on the new table. Version 35 copies `event_key` as stored (old
 * rows keep their hash: their `event_id` may have been zeroed), so running it again is harmless.
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

/**
 * A v2 event's `event_id` that carries the event's number in its session (collector/src/ingest/wire-v2.ts
 * eventUuid): version 8, `8000` as the fourth group, the number in the last 8 hex digits; the rest is
 * a hash of the session id. Its `event_key` is the number.
 */
export const SEQUENCE_ID = /^[\da-f]{8}-[\da-f]{4}-8[\da-f]{3}-8000-[\da-f]{12}$/;

/** `event_key` of version 35: the number of a {@link SEQUENCE_ID}, else a 64-bit hash of `event_id`. */
const EVENT_KEY_SQL = `if(substring(toString(event_id), 15, 1) = '8' AND substring(toString(event_id), 20, 4) = '8000',
                          toUInt64(reinterpretAsUInt32(reverse(unhex(substring(toString(event_id), 29, 8))))),
                          cityHash64(event_id))`;

/** Codecs of version 35 over version 33's columns, each measured (docs/analysts.md, benchmarks/RESULTS.md). */
const V35_CODECS: Record<string, string> = {
  session_start: 'ZSTD(1)',
  // constant through a session: ZSTD finds the repeats, Delta's zeros and jumps compressed worse
  session_ts: 'ZSTD(3)',
  url: 'ZSTD(9)',
  title: 'ZSTD(9)',
  landing_url: 'ZSTD(9)',
  first_touch: 'ZSTD(9)',
  referrer: 'ZSTD(9)',
  page_referrer: 'ZSTD(9)',
};

/** The columns of a layout: version 1's with new codecs, `event_key` and `path` an alias, then the later additions. */
function layoutColumns(version: 33 | 35): (readonly [string, string])[] {
  const changed: Record<string, string> = {
    event_id: `UUID CODEC(ZSTD(1))
                        TTL if(person_id = ${NIL_UUID_SQL}, toDateTime(ts) + toIntervalDay(${EVENT_ID_DAYS}), toDateTime('2105-12-31 00:00:00', 'UTC'))`,
    visitor_id: 'UUID CODEC(ZSTD(1))',
    session_id: 'UUID CODEC(ZSTD(1))',
    // as ingest/to-row.ts splitUrl() took it: a URL's path, '/' when empty; an unparsable URL's text
    path: "String ALIAS if(hostname = '', substringUTF8(url, 1, 512), if(path(url) = '', '/', path(url)))",
  };
  const key =
    version === 33
      ? 'UInt64 MATERIALIZED cityHash64(event_id)'
      : `UInt64 MATERIALIZED ${EVENT_KEY_SQL} CODEC(T64, ZSTD(1))`;
  /** Version 35: ZSTD on LowCardinality columns (LZ4 before), the measured codec where one is named. */
  const codec = (name: string, type: string): string => {
    if (version === 33) return type;
    const bare = type.replace(/\s+CODEC\(.*\)$/, '');
    const c = V35_CODECS[name] ?? (bare.startsWith('LowCardinality') ? 'ZSTD(3)' : undefined);
    return c ? `${bare} CODEC(${c})` : type;
  };
  return [
    ...FIRST_COLUMNS.flatMap(([name, type]) => {
      const column = [name, codec(name, changed[name] ?? type)] as const;
      return name === 'event_id' ? [column, ['event_key', key] as const] : [column];
    }),
    ['person_id', `UUID DEFAULT ${NIL_UUID_SQL} CODEC(ZSTD(1))`],
    ['email', "String DEFAULT '' CODEC(ZSTD(3))"],
    ['user_id', "String DEFAULT '' CODEC(ZSTD(3))"],
    ['retention_days', 'UInt16 DEFAULT 0'],
  ];
}

/** The stored columns of the current layout (version 35) with their types, in table order (`event_key` computed, `path` an alias). */
export const EVENT_COLUMN_TYPES: readonly (readonly [string, string])[] = layoutColumns(35);

/** A row that carries its session's touch: the session's first, or an anonymous one (its own touch). */
export const CARRIES_TOUCH = `session_start OR session_id = ${NIL_UUID_SQL}`;

/** The sort key of each layout: the columns by which repeats of an event fold. */
const SORT_KEY = { 33: 'site_id, visitor_id, ts, event_key', 35: 'site_id, visitor_id, ts, session_id, event_key' };

function createEvents(db: string, table: string, version: 33 | 35): string {
  return `CREATE TABLE IF NOT EXISTS ${db}.${table}
      (
${columnList(layoutColumns(version))}
      )
      ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMM(ts)
      ORDER BY (${SORT_KEY[version]})
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
const STAGING_35 = 'events_v35';

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

/** The views fed by or reading `events`, created again after each rewrite. */
const viewsOnEvents = (db: string): string[] => [
  sessionsFromEventsView(db),
  identitiesFromEventsView(db),
  leadStagesFromEventsView(db),
  eventsWithTouchView(db),
];

export const eventsLayoutMigrations: readonly Migration[] = [
  {
    version: 33,
    name: 'events: layout by visitor, event_key, touch on session starts (rewrite)',
    done: hasLayout,
    statements: (db) => [
      ...VIEWS_ON_EVENTS.map((v) => `DROP VIEW IF EXISTS ${db}.${v}`),
      // Left by a start that died before the swap (the old table still holds every row).
      `DROP TABLE IF EXISTS ${db}.${STAGING}`,
      createEvents(db, STAGING, 33),
      `INSERT INTO ${db}.${STAGING} (${EVENT_COLUMNS.join(', ')}) SELECT ${copyColumns()} FROM ${db}.events`,
      `EXCHANGE TABLES ${db}.events AND ${db}.${STAGING}`,
    ],
  },
  {
    version: 34,
    name: 'events: views over the rewritten table',
    statements: (db) => [`DROP TABLE IF EXISTS ${db}.${STAGING}`, ...viewsOnEvents(db)],
  },
  {
    version: 35,
    name: "events: event_key from the session's event numbers, session_id in the sort key, codecs (rewrite)",
    statements: (db) => [
      ...VIEWS_ON_EVENTS.map((v) => `DROP VIEW IF EXISTS ${db}.${v}`),
      // Left by a start that died before (the old table still holds every row) or after the swap (it holds the old layout).
      `DROP TABLE IF EXISTS ${db}.${STAGING_35}`,
      createEvents(db, STAGING_35, 35),
      // event_key as stored: an old row's event_id may be zeroed (its TTL), its key must not be computed again.
      `INSERT INTO ${db}.${STAGING_35} (${EVENT_COLUMNS.join(', ')}, event_key) SELECT ${EVENT_COLUMNS.join(', ')}, event_key FROM ${db}.events SETTINGS insert_allow_materialized_columns = 1`,
      `EXCHANGE TABLES ${db}.events AND ${db}.${STAGING_35}`,
      `DROP TABLE IF EXISTS ${db}.${STAGING_35}`,
      ...viewsOnEvents(db),
    ],
  },
];
