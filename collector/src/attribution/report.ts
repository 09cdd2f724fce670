/**
 * Attribution reports: for a site, a conversion kind, a time range and a model, the credit of
 * every touch value (channel, campaign …). Rule-based models sum the per-touch weights of
 * `attributedTouchesSql`; the Markov model counts path transitions in ClickHouse and splits the
 * total by removal effect (markov.ts). Every model's credits add up to the total.
 */
import type { Credit } from '../../dashboard/src/contract.js';
import type { Db } from '../storage/db.js';
import { NIL_UUID_SQL } from '../storage/identities.js';
import { toClickHouseTime } from '../storage/time.js';
import { markovCredit, type Transition } from './markov.js';
import { ALL_MODELS, attributedTouchesSql, MODELS, NO_TOUCH, type ConversionKind, type Dimension, type Model, type RuleModel, type WindowSettings } from './models.js';

export interface AttributionQuery {
  siteId: string;
  model: Model;
  conversion: ConversionKind;
  groupBy: Dimension;
  /** Conversions at or after `from` and before `to` (ms). */
  from: number;
  to: number;
  window: WindowSettings;
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

const NIL = NIL_UUID_SQL;

function params(q: Omit<AttributionQuery, 'model'>) {
  return {
    site: q.siteId,
    conversion: q.conversion,
    from: toClickHouseTime(q.from),
    to: toClickHouseTime(q.to),
    lookback_days: q.window.lookbackDays,
    half_life_days: q.window.halfLifeDays,
    dim: q.groupBy,
  };
}

const num = (v: unknown) => Number(v ?? 0);

async function totals(db: Db, q: Omit<AttributionQuery, 'model'>): Promise<AttributionReport['total']> {
  const [t] = await db.query<{ conversions: string; value: number }>(
    `SELECT count() AS conversions, sum(value) AS value FROM ${db.database}.conversions
     WHERE site_id = {site:String} AND kind = {conversion:String} AND ts >= {from:DateTime64(3)} AND ts < {to:DateTime64(3)}`,
    params(q),
  );
  return { conversions: num(t?.conversions), value: num(t?.value) };
}

/** Credit per key under every rule-based model, from one pass over the attributed touches. */
async function ruleBased(db: Db, q: Omit<AttributionQuery, 'model'>): Promise<Map<RuleModel, CreditRow[]>> {
  const rows = await db.query<Record<string, string | number>>(
    `SELECT {dim:Identifier} AS key, ${MODELS.map((m) => `sum(${m}) AS c_${m}, sum(${m} * value) AS v_${m}`).join(', ')}
     FROM (${attributedTouchesSql({ database: db.database, filtered: true })})
     GROUP BY key`,
    params(q),
  );
  return new Map(MODELS.map((m) => [m, rows.map((r) => ({ key: String(r.key), conversions: num(r[`c_${m}`]), value: num(r[`v_${m}`]) }))]));
}

async function markov(db: Db, q: Omit<AttributionQuery, 'model'>): Promise<CreditRow[]> {
  const d = db.database;
  const journeys = `(${attributedTouchesSql({ database: d, filtered: true })})`;
  const transitions = await db.query<{ src: string; dst: string; n: string }>(
    `SELECT pair.1 AS src, pair.2 AS dst, count() AS n
     FROM
     (
       SELECT arrayMap(x -> x.2, arraySort(groupArray((touch_ts, {dim:Identifier})))) AS path, 1 AS converted
       FROM ${journeys} WHERE session_id != ${NIL}
       GROUP BY site_id, person_id, kind, conv_ts, record_id
       UNION ALL
       SELECT arrayMap(x -> x.2, arraySort(groupArray((ts, {dim:Identifier})))) AS path, 0 AS converted
       FROM ${d}.touchpoints
       WHERE site_id = {site:String} AND ts >= {from:DateTime64(3)} - toIntervalDay({lookback_days:UInt32}) AND ts < {to:DateTime64(3)}
         AND (person_id = ${NIL} OR person_id NOT IN (
           SELECT person_id FROM ${d}.conversions
           WHERE site_id = {site:String} AND kind = {conversion:String} AND ts >= {from:DateTime64(3)} AND ts < {to:DateTime64(3)}))
       GROUP BY if(person_id = ${NIL}, visitor_id, person_id)
     )
     ARRAY JOIN arrayZip(arrayPushFront(path, '(start)'), arrayPushBack(path, if(converted = 1, '(conversion)', '(null)'))) AS pair
     GROUP BY src, dst`,
    params(q),
  );
  // (Aliases differ from column names: ClickHouse lets an alias shadow the column it aggregates.)
  const [touched] = await db.query<{ conversions: string; value: number; untouched_conversions: string; untouched_value: number }>(
    `SELECT countIf(touches > 0) AS conversions, sumIf(conv_value, touches > 0) AS value,
            countIf(touches = 0) AS untouched_conversions, sumIf(conv_value, touches = 0) AS untouched_value
     FROM (SELECT any(value) AS conv_value, countIf(session_id != ${NIL}) AS touches FROM ${journeys} GROUP BY site_id, person_id, kind, conv_ts, record_id)`,
    params(q),
  );
  const list: Transition[] = transitions.map((t) => ({ from: t.src, to: t.dst, count: num(t.n) }));
  const conversions = markovCredit(list, num(touched?.conversions));
  const value = markovCredit(list, num(touched?.value));
  const rows: CreditRow[] = [...conversions].map(([key, c]) => ({ key, conversions: c, value: value.get(key) ?? 0 }));
  if (num(touched?.untouched_conversions) > 0) rows.push({ key: NO_TOUCH, conversions: num(touched!.untouched_conversions), value: num(touched!.untouched_value) });
  return rows;
}

const byCredit = (a: CreditRow, b: CreditRow) => b.value - a.value || b.conversions - a.conversions || a.key.localeCompare(b.key);

function report(q: Omit<AttributionQuery, 'model'>, model: Model, total: AttributionReport['total'], rows: CreditRow[]): AttributionReport {
  return {
    model,
    conversion: q.conversion,
    group_by: q.groupBy,
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    total,
    rows: rows.filter((r) => r.conversions !== 0 || r.value !== 0).sort(byCredit),
  };
}

export async function attribution(db: Db, q: AttributionQuery): Promise<AttributionReport> {
  const [total, rows] = await Promise.all([totals(db, q), q.model === 'markov' ? markov(db, q) : ruleBased(db, q).then((all) => all.get(q.model as RuleModel)!)]);
  return report(q, q.model, total, rows);
}

/** Every model side by side: per key, the credit of each model. */
export async function compareModels(db: Db, q: Omit<AttributionQuery, 'model'>) {
  const [total, rules, markovRows] = await Promise.all([totals(db, q), ruleBased(db, q), markov(db, q)]);
  const reports = ALL_MODELS.map((m) => report(q, m, total, m === 'markov' ? markovRows : rules.get(m)!));
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
    rows: keys.map((key) => ({ key, ...(Object.fromEntries(reports.map((r) => [r.model, creditOf(r, key)])) as Record<Model, Credit>) })),
  };
}
