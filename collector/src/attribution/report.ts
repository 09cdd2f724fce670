/**
 * Attribution reports: for a site, a conversion kind, a time range and a model, the credit of
 * every touch value (channel, campaign …). Rule-based models sum the per-touch weights of
 * `attributedTouchesSql`; the Markov model counts path transitions in ClickHouse and splits the
 * total by removal effect (markov.ts). Every model's credits add up to the total.
 */
import type { Credit } from '../../../contract/reports.js';
import type { Db } from '../storage/db.js';
import { activeFilters, filterParams, label, round, sessionFilterSql, type Filters } from '../scope/filters.js';
import { NIL_UUID_SQL } from '../storage/identities.js';
import { toClickHouseTime } from '../storage/time.js';
import { CONVERSION, creditByEffects, NULL, removalEffects, START, type Transition } from './markov.js';
import {
  ALL_MODELS,
  attributedTouchesSql,
  conversionPathsSql,
  CONVERSIONS_IN_RANGE,
  DIMENSIONS,
  MODELS,
  NO_TOUCH,
  touchDimensions,
  type ConversionKind,
  type Dimension,
  type Model,
  type RuleModel,
  type WindowSettings,
} from './models.js';

export interface AttributionQuery {
  siteId: string;
  model: Model;
  conversion: ConversionKind;
  groupBy: Dimension;
  /** Conversions at or after `from` and before `to` (ms). */
  from: number;
  to: number;
  window: WindowSettings;
  /** Only touches of these sessions are credited (a conversion's weights still come from its whole path). */
  filters?: Filters;
}

/** A touch value's credit (see Credit in the report API contract). */
export interface CreditRow extends Credit {
  key: string;
}

export interface AttributionReport {
  model: Model;
  conversion: ConversionKind;
  group_by: Dimension;
  from: string;
  to: string;
  total: { conversions: number; value: number };
  rows: CreditRow[];
}

/** What a report covers except the model and the conversion kind. */
type Scope = Omit<AttributionQuery, 'model' | 'conversion'>;

function params(q: Scope, kinds: readonly ConversionKind[]) {
  return {
    site: q.siteId,
    kinds,
    from: toClickHouseTime(q.from),
    to: toClickHouseTime(q.to),
    lookback_days: q.window.lookbackDays,
    half_life_days: q.window.halfLifeDays,
    dim: q.groupBy,
    ...filterParams(q.filters ?? {}),
  };
}

const OTHER = '(other)';
const filtered = (q: Scope) => activeFilters(q.filters ?? {}).length > 0;
/** The dimensions the touches of a request carry: the grouped one and the filtered ones (and `channel`). */
const dimensionsOf = (q: Scope) =>
  touchDimensions([q.groupBy, ...activeFilters(q.filters ?? {}).map(([name]) => name)]);

const num = (v: unknown) => Number(v ?? 0);

async function totals(
  db: Db,
  q: Scope,
  kinds: readonly ConversionKind[],
): Promise<Map<ConversionKind, AttributionReport['total']>> {
  const rows = await db.query<{ kind: ConversionKind; conversions: string; value: number }>(
    `SELECT kind, count() AS conversions, sum(value) AS value FROM ${db.database}.conversions WHERE ${CONVERSIONS_IN_RANGE} GROUP BY kind`,
    params(q, kinds),
  );
  return new Map(
    kinds.map((k) => {
      const t = rows.find((r) => r.kind === k);
      return [k, { conversions: num(t?.conversions), value: num(t?.value) }];
    }),
  );
}

/** Credit per kind and key under the rule-based `models` (default every one), from one pass over the attributed touches. */
async function ruleBased(
  db: Db,
  q: Scope,
  kinds: readonly ConversionKind[],
  models: readonly RuleModel[] = MODELS,
): Promise<Map<ConversionKind, Map<RuleModel, CreditRow[]>>> {
  const rows = await db.query<Record<string, string | number>>(
    `SELECT kind, {dim:Identifier} AS key, ${models.map((m) => `sum(${m}) AS c_${m}, sum(${m} * value) AS v_${m}`).join(', ')}
     FROM (${attributedTouchesSql({ database: db.database, filtered: true, dimensions: dimensionsOf(q), models })})
     WHERE ${sessionFilterSql(q.filters ?? {}, db.database)}
     GROUP BY kind, key`,
    params(q, kinds),
  );
  return new Map(
    kinds.map((k) => {
      const ofKind = rows.filter((r) => r.kind === k);
      return [
        k,
        new Map(
          models.map((m) => [
            m,
            ofKind.map((r) => ({ key: String(r.key), conversions: num(r[`c_${m}`]), value: num(r[`v_${m}`]) })),
          ]),
        ),
      ];
    }),
  );
}

/** A counted transition, with the conversions (and their value) of the paths that took it. */
export interface MarkovTransition {
  src: string;
  dst: string;
  n: string;
  conversions: string;
  value: number;
}

/**
 * Journeys as paths of touch values, and the transitions between consecutive values counted over
 * all of them, in one query: every conversion of the query (its touches in the lookback window,
 * ending in `(conversion)`), and every journey that did not convert in the period — an anonymous
 * visitor's sessions, or an identified person's on all their devices — ending in `(null)`. A
 * conversion without touches is the single transition `(start)` → `(conversion)`: counted apart
 * (credited to `(no touch)`) and left out of the chain.
 */
export async function markovTransitions(db: Db, q: Scope, kind: ConversionKind): Promise<MarkovTransition[]> {
  const d = db.database;
  const dimensions = dimensionsOf(q);
  const dimension = dimensions.indexOf(q.groupBy) + 3; // its place in a `found` tuple: (ts, session_id, …dimensions)
  const converted = `SELECT person_id FROM ${d}.conversions WHERE ${CONVERSIONS_IN_RANGE}`;
  const inWindow =
    'touch_ts >= {from:DateTime64(3)} - toIntervalDay({lookback_days:UInt32}) AND touch_ts < {to:DateTime64(3)}';
  // With filters, touches outside the segment are one state, '(other)', left out of the credit.
  const f = q.filters ?? {};
  const inTuple = sessionFilterSql(f, d, (name) =>
    name === 'session_id' ? 'x.2' : `tupleElement(x, ${dimensions.indexOf(name as Dimension) + 3})`,
  );
  const valueOf = `if(${sessionFilterSql(f, d)}, {dim:Identifier}, '${OTHER}')`;
  return db.query<MarkovTransition>(
    `SELECT pair.1 AS src, pair.2 AS dst, sum(times) AS n, sumIf(times, converted) AS conversions, sumIf(conv_value, converted) AS value
     FROM
     (
       SELECT arrayZip(arrayPushFront(path, '${START}'), arrayPushBack(path, '${CONVERSION}')) AS pairs, toUInt64(1) AS times, true AS converted, value AS conv_value
       FROM
       (
         SELECT arrayMap(x -> if(${inTuple}, toString(tupleElement(x, ${dimension})), '${OTHER}'), found) AS path, value
         FROM (${conversionPathsSql({ database: d, filtered: true, dimensions })})
       )
       UNION ALL
       -- The journeys that did not convert, without collecting them into arrays: each session's
       -- transition from the one before it in its journey (ordered by time, then value, as the
       -- paths of conversions are), and the last one's to (null), counted.
       SELECT if(is_last, [(before, value_of_dim), (value_of_dim, '${NULL}')], [(before, value_of_dim)]) AS pairs, times,
              false AS converted, toFloat64(0) AS conv_value
       FROM
       (
         SELECT before, value_of_dim, is_last, count() AS times
         FROM
         (
         SELECT value_of_dim, lagInFrame(value_of_dim, 1, '${START}') OVER journey AS before,
                leadInFrame(false, 1, true) OVER journey AS is_last
         FROM
         (
           -- One pass over the site's sessions for both kinds of journey that did not convert: an
           -- anonymous visitor's (no person) and an identified person's on all their devices. FINAL
           -- merges copies of a session first (the window then applies to the merged row).
           SELECT if(p.person_id = ${NIL_UUID_SQL}, s.visitor_id, p.person_id) AS journey, s.touch_ts AS touch_ts, s.value_of_dim AS value_of_dim
           FROM (SELECT visitor_id, ts AS touch_ts, toString(${valueOf}) AS value_of_dim FROM ${d}.sessions FINAL WHERE site_id = {site:String}) AS s
           LEFT JOIN
           (
             SELECT visitor_id, argMax(person_id, ts) AS person_id FROM ${d}.identities WHERE site_id = {site:String} GROUP BY visitor_id
           ) AS p ON p.visitor_id = s.visitor_id
           WHERE ${inWindow} AND p.person_id NOT IN (${converted})
         )
         WINDOW journey AS (PARTITION BY journey ORDER BY touch_ts, value_of_dim ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
         )
         GROUP BY before, value_of_dim, is_last
       )
     )
     ARRAY JOIN pairs AS pair
     GROUP BY src, dst`,
    params(q, [kind]),
  );
}

async function markov(db: Db, q: Scope, kind: ConversionKind): Promise<CreditRow[]> {
  const rows = await markovTransitions(db, q, kind);
  const untouched = rows.find((r) => r.src === START && r.dst === CONVERSION);
  const chain = rows.filter((r) => r !== untouched);
  const startsOfConversions = chain.filter((r) => r.src === START);
  const effects = removalEffects(chain.map((t): Transition => ({ from: t.src, to: t.dst, count: num(t.n) })));
  const credited = creditByEffects(
    effects,
    startsOfConversions.reduce((sum, r) => sum + num(r.conversions), 0),
  );
  const value = creditByEffects(
    effects,
    startsOfConversions.reduce((sum, r) => sum + num(r.value), 0),
  );
  const result: CreditRow[] = [...credited]
    .filter(([key]) => key !== OTHER)
    .map(([key, c]) => ({ key, conversions: c, value: value.get(key) ?? 0 }));
  if (untouched && !filtered(q))
    result.push({ key: NO_TOUCH, conversions: num(untouched.conversions), value: num(untouched.value) });
  return result;
}

const byCredit = (a: CreditRow, b: CreditRow) =>
  b.value - a.value || b.conversions - a.conversions || a.key.localeCompare(b.key);

function report(
  q: Scope,
  model: Model,
  conversion: ConversionKind,
  all: AttributionReport['total'],
  credited: CreditRow[],
): AttributionReport {
  const rows = merged(credited.filter((r) => r.conversions !== 0 || r.value !== 0));
  // Filtered: the segment's credit; otherwise every conversion in the range (the same sum).
  const total = filtered(q)
    ? { conversions: rows.reduce((a, r) => a + r.conversions, 0), value: rows.reduce((a, r) => a + r.value, 0) }
    : all;
  return {
    model,
    conversion,
    group_by: q.groupBy,
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    total: { conversions: round.credit(total.conversions), value: round.credit(total.value) },
    rows: rows
      .map((r) => ({ key: r.key, conversions: round.credit(r.conversions), value: round.credit(r.value) }))
      .sort(byCredit),
  };
}

/** Rows under their reported labels ('' is `(none)`), one per label. */
function merged(rows: CreditRow[]): CreditRow[] {
  const byKey = new Map<string, CreditRow>();
  for (const r of rows) {
    const key = label(r.key);
    const had = byKey.get(key);
    byKey.set(
      key,
      had ? { key, conversions: had.conversions + r.conversions, value: had.value + r.value } : { ...r, key },
    );
  }
  return [...byKey.values()];
}

/** One model's report for each of several conversion kinds (a rule-based model reads the touches once for all of them). */
export async function attributions(
  db: Db,
  q: Scope & { model: Model },
  kinds: readonly ConversionKind[],
): Promise<Map<ConversionKind, AttributionReport>> {
  const [total, credits] = await Promise.all([
    totals(db, q, kinds),
    q.model === 'markov'
      ? Promise.all(kinds.map((k) => markov(db, q, k))).then((all) => new Map(kinds.map((k, i) => [k, all[i]!])))
      : ruleBased(db, q, kinds, [q.model as RuleModel]).then(
          (all) => new Map(kinds.map((k) => [k, all.get(k)!.get(q.model as RuleModel)!])),
        ),
  ]);
  return new Map(kinds.map((k) => [k, report(q, q.model, k, total.get(k)!, credits.get(k)!)]));
}

export async function attribution(db: Db, q: AttributionQuery): Promise<AttributionReport> {
  return (await attributions(db, q, [q.conversion])).get(q.conversion)!;
}

/** Every model side by side: per key, the credit of each model. */
export async function compareModels(db: Db, q: Omit<AttributionQuery, 'model'>) {
  const kinds = [q.conversion];
  const [totalByKind, rulesByKind, markovRows] = await Promise.all([
    totals(db, q, kinds),
    ruleBased(db, q, kinds),
    markov(db, q, q.conversion),
  ]);
  const [total, rules] = [totalByKind.get(q.conversion)!, rulesByKind.get(q.conversion)!];
  const reports = ALL_MODELS.map((m) => report(q, m, q.conversion, total, m === 'markov' ? markovRows : rules.get(m)!));
  const keys = [...new Set(reports.flatMap((r) => r.rows.map((row) => row.key)))];
  const creditOf = (r: AttributionReport, key: string) => {
    const row = r.rows.find((x) => x.key === key);
    return { conversions: row?.conversions ?? 0, value: row?.value ?? 0 };
  };
  return {
    conversion: q.conversion,
    group_by: q.groupBy,
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    total,
    models: ALL_MODELS,
    rows: keys.map((key) => ({
      key,
      ...(Object.fromEntries(reports.map((r) => [r.model, creditOf(r, key)])) as Record<Model, Credit>),
    })),
  };
}
