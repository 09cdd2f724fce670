/**
 * Return on marketing spend per channel, source, medium or campaign under one attribution model:
 * spend (the `costs` table) beside attributed leads, customers and revenue, with cost per lead,
 * customer acquisition cost, ROAS (revenue / cost) and ROI ((revenue − cost) / cost).
 */
import type { RoiRow } from '../../dashboard/src/contract.js';
import type { Db } from '../storage/db.js';
import { toClickHouseTime } from '../storage/time.js';
import type { Model } from './models.js';
import { attributions, type AttributionQuery } from './report.js';

export const ROI_DIMENSIONS = ['channel', 'source', 'medium', 'campaign'] as const;
export type RoiDimension = (typeof ROI_DIMENSIONS)[number];
export type { RoiRow };


const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export async function roiReport(db: Db, q: Omit<AttributionQuery, 'conversion' | 'groupBy'> & { groupBy: RoiDimension; model: Model }) {
  const [reports, costs] = await Promise.all([
    attributions(db, q, ['lead', 'customer', 'revenue']),
    db.query<{ key: string; cost: number }>(
      `SELECT {dim:Identifier} AS key, toFloat64(sum(amount)) AS cost FROM ${db.database}.costs FINAL
       WHERE site_id = {site:String} AND day >= toDate({from:DateTime64(3)}) AND day < toDate({to:DateTime64(3)})
       GROUP BY key`,
      { site: q.siteId, dim: q.groupBy, from: toClickHouseTime(q.from), to: toClickHouseTime(q.to) },
    ),
  ]);
  const [leads, customers, revenue] = [reports.get('lead')!, reports.get('customer')!, reports.get('revenue')!];
  const rows = new Map<string, RoiRow>();
  const row = (key: string) => {
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { key, cost: 0, leads: 0, customers: 0, revenue: 0, cost_per_lead: null, cac: null, roas: null, roi: null }));
    return r;
  };
  for (const c of costs) row(c.key).cost += Number(c.cost);
  for (const r of leads.rows) row(r.key).leads += r.conversions;
  for (const r of customers.rows) row(r.key).customers += r.conversions;
  for (const r of revenue.rows) row(r.key).revenue += r.value;
  for (const r of rows.values()) {
    // Without spend there is no cost per lead or acquisition cost to speak of (not "free").
    r.cost_per_lead = r.cost > 0 ? ratio(r.cost, r.leads) : null;
    r.cac = r.cost > 0 ? ratio(r.cost, r.customers) : null;
    r.roas = ratio(r.revenue, r.cost);
    r.roi = r.cost > 0 ? (r.revenue - r.cost) / r.cost : null;
  }
  const list = [...rows.values()].sort((a, b) => b.revenue - a.revenue || b.cost - a.cost || a.key.localeCompare(b.key));
  const sum = (f: (r: RoiRow) => number) => list.reduce((a, r) => a + f(r), 0);
  const cost = sum((r) => r.cost);
  return {
    model: q.model,
    group_by: q.groupBy,
    from: leads.from,
    to: leads.to,
    total: { cost, leads: leads.total.conversions, customers: customers.total.conversions, revenue: revenue.total.value, roas: ratio(revenue.total.value, cost), roi: cost > 0 ? (revenue.total.value - cost) / cost : null },
    rows: list,
  };
}
