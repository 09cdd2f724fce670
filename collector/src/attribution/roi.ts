/**
 * Return on marketing spend per channel, source, medium or campaign under one attribution model:
 * visitors and sessions, spend (the `costs` table) beside attributed leads, customers and revenue,
 * with cost per lead, customer acquisition cost, ROAS (revenue / cost) and ROI ((revenue − cost) / cost).
 * Spend counts whole calendar days of the site's time zone, today included while it runs.
 */
import { ROI_DIMENSIONS, type RoiDimension } from '../../../contract/attribution.js';
import type { RoiRow } from '../../../contract/reports.js';
import { costFilterSql, filterParams, label, round, sessionFilterSql } from '../scope/filters.js';
import { dayOf } from '../scope/time-zone.js';
import type { Db } from '../storage/db.js';
import { NIL_UUID_SQL } from '../storage/identities.js';
import { toClickHouseTime } from '../storage/time.js';
import type { Model } from './models.js';
import { attributions, type AttributionQuery } from './report.js';

export { ROI_DIMENSIONS, type RoiDimension };
export type { RoiRow };

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export type RoiQuery = Omit<AttributionQuery, 'conversion' | 'groupBy'> & {
  groupBy: RoiDimension;
  model: Model;
  timeZone: string;
};

/**
 * Visitors and sessions per key, and in all (`is_total`: a visitor may come through several keys).
 * FINAL merges copies of a session not merged yet (the period then applies to the merged row, as
 * in the Markov model): one row is one session, counted instead of hashing every session id.
 */
function traffic(db: Db, q: RoiQuery) {
  return db.query<{ key: string; is_total: number; visitors: string; sessions: string }>(
    `SELECT if(grouping(k) = 1, '', k) AS key, grouping(k) AS is_total, uniqExact(visitor_id) AS visitors, count() AS sessions
     FROM (SELECT {dim:Identifier} AS k, visitor_id
           FROM (SELECT * FROM ${db.database}.sessions FINAL WHERE site_id = {site:String})
           WHERE ts >= {from:DateTime64(3)} AND ts < {to:DateTime64(3)} AND visitor_id != ${NIL_UUID_SQL}
             AND ${sessionFilterSql(q.filters ?? {}, db.database)})
     GROUP BY GROUPING SETS ((k), ())`,
    {
      site: q.siteId,
      dim: q.groupBy,
      from: toClickHouseTime(q.from),
      to: toClickHouseTime(q.to),
      ...filterParams(q.filters ?? {}),
    },
  );
}

function spend(db: Db, q: RoiQuery) {
  return db.query<{ key: string; cost: number }>(
    `SELECT {dim:Identifier} AS key, toFloat64(sum(amount)) AS cost FROM ${db.database}.costs FINAL
     WHERE site_id = {site:String} AND day >= {first_day:Date} AND day <= {last_day:Date} AND ${costFilterSql(q.filters ?? {})}
     GROUP BY key`,
    {
      site: q.siteId,
      dim: q.groupBy,
      first_day: dayOf(q.from, q.timeZone),
      last_day: dayOf(q.to - 1, q.timeZone),
      ...filterParams(q.filters ?? {}),
    },
  );
}

export async function roiReport(db: Db, q: RoiQuery) {
  const [reports, costs, visits] = await Promise.all([
    attributions(db, q, ['lead', 'customer', 'revenue']),
    spend(db, q),
    traffic(db, q),
  ]);
  const [leads, customers, revenue] = [reports.get('lead')!, reports.get('customer')!, reports.get('revenue')!];
  const rows = new Map<string, RoiRow>();
  const row = (key: string) => {
    let r = rows.get(label(key));
    if (!r)
      rows.set(
        label(key),
        (r = {
          key: label(key),
          visitors: 0,
          sessions: 0,
          cost: 0,
          leads: 0,
          customers: 0,
          revenue: 0,
          cost_per_lead: null,
          cac: null,
          roas: null,
          roi: null,
        }),
      );
    return r;
  };
  const all = visits.find((v) => Number(v.is_total) === 1);
  for (const v of visits.filter((x) => x !== all))
    Object.assign(row(v.key), { visitors: Number(v.visitors), sessions: Number(v.sessions) });
  for (const c of costs) row(c.key).cost += Number(c.cost);
  for (const r of leads.rows) row(r.key).leads += r.conversions;
  for (const r of customers.rows) row(r.key).customers += r.conversions;
  for (const r of revenue.rows) row(r.key).revenue += r.value;
  for (const r of rows.values()) {
    // Without spend there is no cost per lead or acquisition cost to speak of (not "free").
    r.cost = round.money(r.cost);
    r.leads = round.credit(r.leads);
    r.customers = round.credit(r.customers);
    r.revenue = round.money(r.revenue);
    r.cost_per_lead = r.cost > 0 ? round.money(ratio(r.cost, r.leads) ?? NaN) : null;
    r.cac = r.cost > 0 ? round.money(ratio(r.cost, r.customers) ?? NaN) : null;
    r.roas = round.ratio(ratio(r.revenue, r.cost));
    r.roi = r.cost > 0 ? round.ratio((r.revenue - r.cost) / r.cost) : null;
    if (Number.isNaN(r.cost_per_lead)) r.cost_per_lead = null;
    if (Number.isNaN(r.cac)) r.cac = null;
  }
  const list = [...rows.values()].sort(
    (a, b) => b.revenue - a.revenue || b.cost - a.cost || b.visitors - a.visitors || a.key.localeCompare(b.key),
  );
  const sum = (f: (r: RoiRow) => number) => list.reduce((a, r) => a + f(r), 0);
  const cost = round.money(sum((r) => r.cost));
  const totalRevenue = round.money(revenue.total.value);
  return {
    model: q.model,
    group_by: q.groupBy,
    from: leads.from,
    to: leads.to,
    total: {
      visitors: Number(all?.visitors ?? 0),
      sessions: Number(all?.sessions ?? 0),
      cost,
      leads: leads.total.conversions,
      customers: customers.total.conversions,
      revenue: totalRevenue,
      cost_per_lead: cost > 0 && leads.total.conversions > 0 ? round.money(cost / leads.total.conversions) : null,
      cac: cost > 0 && customers.total.conversions > 0 ? round.money(cost / customers.total.conversions) : null,
      roas: round.ratio(ratio(totalRevenue, cost)),
      roi: cost > 0 ? round.ratio((totalRevenue - cost) / cost) : null,
    },
    rows: list,
  };
}
