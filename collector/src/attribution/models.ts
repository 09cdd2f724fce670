/**
 * Attribution models as ClickHouse SQL: a conversion's touches are the sessions of the person's
 * visitors (all devices) within the lookback window before it; each model gives every touch a
 * weight, and the weights of one conversion add up to 1. Everything runs in ClickHouse over
 * arrays per conversion — events are never pulled into Node.
 *
 * Position-based models name *role* touches, each with a share, and a share for "the rest":
 * - a touch that holds several roles gets all their shares;
 * - the rest share is split evenly over the touches without a role, or over all touches when
 *   every touch has a role;
 * - a role whose milestone does not exist for the conversion (no opportunity stage, a lead
 *   conversion has no close) is left out, and the shares that remain are scaled up to add to 1.
 * A conversion without any touch in its window is credited to the pseudo-touch `(no touch)`, so
 * that every model's credits add up to the total of conversions and revenue.
 */

import { DIMENSIONS, RULE_MODELS as MODELS, type Dimension, type RuleModel } from '../../../contract/attribution.js';
import { NIL_UUID_SQL } from '../storage/identities.js';

// The vocabulary (model, conversion and dimension names) is the contract's, shared with the dashboard.
export { RULE_MODELS as MODELS, MODELS as ALL_MODELS, CONVERSIONS, DIMENSIONS } from '../../../contract/attribution.js';
export type { RuleModel, Model, Conversion as ConversionKind, Dimension } from '../../../contract/attribution.js';

export const NO_TOUCH = '(no touch)';
const NIL = NIL_UUID_SQL;

export interface WindowSettings {
  /** Touches count when at most this many days before the conversion. */
  lookbackDays: number;
  /** Time decay: a touch this many days older than another gets half its weight. */
  halfLifeDays: number;
}

export const DEFAULT_WINDOW: WindowSettings = { lookbackDays: 90, halfLifeDays: 7 };

/** `roles`: [1-based index expression (0 = absent), share]; `rest`: share of the touches without a role. */
function positional(roles: readonly [string, number][], rest: number): string {
  const list = `arrayFilter(r -> r.1 > 0, [${roles.map(([i, s]) => `(toUInt32(${i}), toFloat64(${s}))`).join(', ')}])`;
  return `arrayMap(i -> arraySum(arrayMap(r -> if(r.1 = i, r.2, 0), ${list}))
      + if(length(arrayDistinct(arrayMap(r -> r.1, ${list}))) = n, ${rest} / n,
           if(has(arrayMap(r -> r.1, ${list}), i), 0, ${rest} / (n - length(arrayDistinct(arrayMap(r -> r.1, ${list})))))),
    arrayEnumerate(tss))`;
}

/** Raw weights per model (normalized afterwards), over `tss` (touch times), `channels`, and the role indexes. */
const RAW: Record<RuleModel, string> = {
  first_touch: 'arrayMap(i -> toFloat64(i = 1), arrayEnumerate(tss))',
  last_touch: 'arrayMap(i -> toFloat64(i = n), arrayEnumerate(tss))',
  // The last touch that is not Direct; Direct only when there is nothing else.
  last_non_direct:
    "arrayMap(i -> toFloat64(i = if(arrayLastIndex(c -> c != 'Direct', channels) = 0, n, arrayLastIndex(c -> c != 'Direct', channels))), arrayEnumerate(tss))",
  linear: 'arrayMap(i -> toFloat64(1), arrayEnumerate(tss))',
  time_decay: "arrayMap(t -> pow(2, -dateDiff('millisecond', t, conv_ts) / (half_life_days * 86400000)), tss)",
  u_shaped: positional(
    [
      ['1', 0.4],
      ['lead_idx', 0.4],
    ],
    0.2,
  ),
  w_shaped: positional(
    [
      ['1', 0.3],
      ['lead_idx', 0.3],
      ['close_idx', 0.3],
    ],
    0.1,
  ),
  full_path: positional(
    [
      ['1', 0.225],
      ['lead_idx', 0.225],
      ['opp_idx', 0.225],
      ['close_idx', 0.225],
    ],
    0.1,
  ),
};

/**
 * One row per session (bots excluded) with the touch that started it and the person its visitor
 * belongs to (zero UUID while anonymous): the `touchpoints` view, or — with `sessionsFilter` on
 * the `sessions` table — only some visitors' sessions (the attribution queries read just the
 * converting people's visitors, by the table's sort key). Copies of one session not merged yet are
 * grouped here.
 */
export function touchpointsSql(d: string, sessionsFilter = '1', dimensions: readonly Dimension[] = DIMENSIONS): string {
  return `
      SELECT s.site_id AS site_id, vp.person_id AS person_id, s.visitor_id AS visitor_id, s.session_id AS session_id, s.first_ts AS ts,
             ${dimensions.map((c) => `s.s_${c} AS ${c}`).join(', ')}
      FROM
      (
        SELECT site_id, visitor_id, session_id, min(ts) AS first_ts, ${dimensions.map((c) => `any(${c}) AS s_${c}`).join(', ')}
        FROM ${d}.sessions
        WHERE ${sessionsFilter}
        GROUP BY site_id, visitor_id, session_id
      ) AS s
      LEFT JOIN ${d}.visitor_people AS vp ON vp.site_id = s.site_id AND vp.visitor_id = s.visitor_id`;
}

export interface AttributedTouchesOptions {
  database: string;
  /** Bind the CONVERSIONS_IN_RANGE filters (the API); without: every conversion (the analysts' view). */
  filtered: boolean;
  /** Literal window settings (the view), or bound `{lookback_days:UInt32}` / `{half_life_days:Float64}` (the API). */
  window?: WindowSettings;
  /**
   * The dimensions a touch carries, in DIMENSIONS order, `channel` first (every dimension without:
   * the view). A request names only those it groups or filters by: fewer columns read and sorted.
   */
  dimensions?: readonly Dimension[];
  /** The rule-based models weighed (every one without: the view; one for a single model's report). */
  models?: readonly RuleModel[];
}

/** The dimensions a request's touches need: `channel` (last non-direct reads it), the grouped one and the filtered ones. */
export function touchDimensions(needed: readonly string[]): Dimension[] {
  return DIMENSIONS.filter((c) => c === 'channel' || needed.includes(c));
}

/** The API's conversions: of a site, of some kinds, in a time range (bound `{site}`, `{kinds}`, `{from}`, `{to}`). */
export const CONVERSIONS_IN_RANGE =
  'site_id = {site:String} AND kind IN {kinds:Array(String)} AND ts >= {from:DateTime64(3)} AND ts < {to:DateTime64(3)}';

function conversionsFilter(filtered: boolean): string {
  return filtered ? CONVERSIONS_IN_RANGE : '1';
}

/**
 * One row per conversion (site, person, kind, `conv_ts`, value, record id) with `found`: its
 * touches in the lookback window, sorted by time, each `(ts, session_id, …dimensions)`.
 */
export function conversionPathsSql({
  database: d,
  filtered,
  window,
  dimensions = DIMENSIONS,
}: AttributedTouchesOptions): string {
  const lookback = window ? String(window.lookbackDays) : '{lookback_days:UInt32}';
  const conv = conversionsFilter(filtered);
  // Only the sessions of the visitors of the people who converted (the API's filters), read by the sessions' sorting key.
  const sessionsFilter = filtered
    ? `site_id = {site:String} AND visitor_id IN (SELECT visitor_id FROM ${d}.identities WHERE site_id = {site:String} AND person_id IN (SELECT person_id FROM ${d}.conversions WHERE ${conv}))`
    : '1';
  const dims = dimensions.join(', ');
  // Each converting person's touches are collected and sorted once, then every conversion of theirs
  // keeps those in its window (conversions are one row each: a person's lead, customer, each deal).
  return `
        SELECT c.site_id AS site_id, c.person_id AS person_id, c.kind AS kind, c.ts AS conv_ts, c.value AS value, c.record_id AS record_id,
               arrayFilter(x -> x.2 != ${NIL} AND x.1 <= c.ts AND x.1 >= c.ts - toIntervalDay(${lookback}), t.touches) AS found
        FROM (SELECT * FROM ${d}.conversions WHERE ${conv}) AS c
        LEFT JOIN
        (
          SELECT site_id, person_id, arraySort(groupArray((ts, session_id, ${dims}))) AS touches
          FROM (${touchpointsSql(d, sessionsFilter, dimensions)})
          WHERE person_id != ${NIL}
          GROUP BY site_id, person_id
        ) AS t ON t.site_id = c.site_id AND t.person_id = c.person_id`;
}

/** The models whose roles need the person's lead and opportunity times. */
const POSITIONAL: readonly RuleModel[] = ['u_shaped', 'w_shaped', 'full_path'];

const MILESTONE_INDEXES = `,
             -- a milestone after the conversion plays no role in it
             if(lead_at <= conv_ts, arrayLastIndex(t -> t <= lead_at, tss), 0) AS lead_idx,
             if(has_opportunity AND opportunity_at <= conv_ts, arrayLastIndex(t -> t <= opportunity_at, tss), 0) AS opp_idx,
             if(kind = 'lead', 0, n) AS close_idx`;

/** Each converting person's first lead and opportunity times (of the site, or every site in the view). */
const milestonesJoin = (d: string, site: string) => `
        LEFT JOIN
        (
          SELECT site_id, person_id, minIf(ts, stage = 'lead') AS lead_at, minIf(ts, stage = 'opportunity') AS opportunity_at,
                 countIf(stage = 'opportunity') > 0 AS has_opportunity
          FROM ${d}.stages FINAL WHERE ${site}
          GROUP BY site_id, person_id
        ) AS m ON m.site_id = p.site_id AND m.person_id = p.person_id`;

/**
 * One row per (conversion, touch): the conversion (site, person, kind, time, value, record id),
 * the touch (time, session, every dimension) and one weight column per rule-based model.
 */
export function attributedTouchesSql(options: AttributedTouchesOptions): string {
  const { database: d, filtered, window, dimensions = DIMENSIONS, models = MODELS } = options;
  const halfLife = window ? String(window.halfLifeDays) : '{half_life_days:Float64}';
  const site = filtered ? 'site_id = {site:String}' : '1';
  const none = dimensions.map(() => `'${NO_TOUCH}'`).join(', ');
  // Only the position-based models read the lead and opportunity times (one more join).
  const milestones = models.some((m) => POSITIONAL.includes(m));
  return `
SELECT site_id, person_id, kind, conv_ts, value, record_id,
       touch.1 AS touch_ts, touch.2 AS session_id, ${dimensions.map((c, i) => `touch.${i + 3} AS ${c}`).join(', ')},
       ${models.map((m) => `w_${m} AS ${m}`).join(', ')}
FROM
(
  SELECT *, ${models.map((m) => `arrayMap(x -> x / arraySum(raw_${m}), raw_${m}) AS w_${m}`).join(', ')}
  FROM
  (
    SELECT *, ${models.map((m) => `${RAW[m]} AS raw_${m}`).join(',\n           ')}
    FROM
    (
      SELECT *,
             if(empty(found), [(conv_ts, ${NIL}, ${none})], found) AS path,
             arrayMap(x -> x.1, path) AS tss,
             arrayMap(x -> x.3, path) AS channels,
             toUInt32(length(path)) AS n,
             ${halfLife} AS half_life_days${milestones ? MILESTONE_INDEXES : ''}
      FROM
      (
        SELECT p.site_id AS site_id, p.person_id AS person_id, p.kind AS kind, p.conv_ts AS conv_ts, p.value AS value,
               p.record_id AS record_id, p.found AS found${
                 milestones
                   ? `,
               m.lead_at AS lead_at, m.opportunity_at AS opportunity_at, m.has_opportunity AS has_opportunity`
                   : ''
               }
        FROM (${conversionPathsSql(options)}) AS p${milestones ? milestonesJoin(d, site) : ''}
      )
    )
  )
)
ARRAY JOIN path AS touch, ${models.map((m) => `w_${m}`).join(', ')}`;
}
