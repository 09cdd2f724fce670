/**
 * Dashboard reports over a site and a time range: totals and a daily series of visitors,
 * sessions, page views, leads, customers and revenue; and the visitor → lead → customer funnel
 * by first-touch channel (a visitor's first session in the range; a person's earliest session on
 * any device). Bots excluded; cookieless page views (consent pending: zero visitor id) count as page
 * views, not as visitors or sessions.
 */
import type { DayPoint, FunnelRow, Overview } from '../../dashboard/src/contract.js';
import type { Db } from '../storage/db.js';
import { NIL_UUID_SQL } from '../storage/identities.js';
import { toClickHouseTime } from '../storage/time.js';

export interface ReportRange {
  siteId: string;
  from: number;
  to: number;
}


const NIL = NIL_UUID_SQL;
const params = (r: ReportRange) => ({ site: r.siteId, from: toClickHouseTime(r.from), to: toClickHouseTime(r.to) });
const IN_RANGE = 'site_id = {site:String} AND ts >= {from:DateTime64(3)} AND ts < {to:DateTime64(3)}';

export async function overview(db: Db, r: ReportRange): Promise<Overview> {
  const d = db.database;
  const [traffic, conversions, totals] = await Promise.all([
    db.query<{ day: string; visitors: string; sessions: string; pageviews: string }>(
      `SELECT toString(toDate(ts)) AS day, uniqExactIf(visitor_id, visitor_id != ${NIL}) AS visitors, uniqExactIf(session_id, session_id != ${NIL}) AS sessions, countIf(type = 'pageview') AS pageviews
       FROM ${d}.events WHERE ${IN_RANGE} AND NOT is_bot GROUP BY day ORDER BY day`,
      params(r),
    ),
    db.query<{ day: string; leads: string; customers: string; revenue: number }>(
      `SELECT toString(toDate(ts)) AS day, countIf(kind = 'lead') AS leads, countIf(kind = 'customer') AS customers, sumIf(value, kind = 'revenue') AS revenue
       FROM ${d}.conversions WHERE ${IN_RANGE} GROUP BY day ORDER BY day`,
      params(r),
    ),
    db.query<{ visitors: string; sessions: string; pageviews: string }>(
      `SELECT uniqExactIf(visitor_id, visitor_id != ${NIL}) AS visitors, uniqExactIf(session_id, session_id != ${NIL}) AS sessions, countIf(type = 'pageview') AS pageviews
       FROM ${d}.events WHERE ${IN_RANGE} AND NOT is_bot`,
      params(r),
    ),
  ]);
  const days = new Map<string, DayPoint>();
  const DAY = 86_400_000;
  for (let t = Date.UTC(new Date(r.from).getUTCFullYear(), new Date(r.from).getUTCMonth(), new Date(r.from).getUTCDate()); t < r.to; t += DAY) {
    const day = new Date(t).toISOString().slice(0, 10);
    days.set(day, { day, visitors: 0, sessions: 0, pageviews: 0, leads: 0, customers: 0, revenue: 0 });
  }
  for (const t of traffic) Object.assign(days.get(t.day) ?? {}, { visitors: +t.visitors, sessions: +t.sessions, pageviews: +t.pageviews });
  for (const c of conversions) Object.assign(days.get(c.day) ?? {}, { leads: +c.leads, customers: +c.customers, revenue: Number(c.revenue) });
  const series = [...days.values()];
  const sum = (f: (p: DayPoint) => number) => series.reduce((a, p) => a + f(p), 0);
  return {
    from: new Date(r.from).toISOString(),
    to: new Date(r.to).toISOString(),
    totals: {
      visitors: Number(totals[0]?.visitors ?? 0),
      sessions: Number(totals[0]?.sessions ?? 0),
      pageviews: Number(totals[0]?.pageviews ?? 0),
      leads: sum((p) => p.leads),
      customers: sum((p) => p.customers),
      revenue: sum((p) => p.revenue),
    },
    series,
  };
}


export async function funnel(db: Db, r: ReportRange): Promise<{ from: string; to: string; rows: FunnelRow[] }> {
  const d = db.database;
  const [visitors, people] = await Promise.all([
    // Straight from `sessions` (no person needed; a copy of a session not merged yet has the same touch).
    db.query<{ channel: string; visitors: string }>(
      `SELECT first_channel AS channel, count() AS visitors
       FROM (SELECT visitor_id, argMin(channel, ts) AS first_channel FROM ${d}.sessions WHERE ${IN_RANGE} AND visitor_id != ${NIL} GROUP BY visitor_id)
       GROUP BY channel`,
      params(r),
    ),
    db.query<{ channel: string; leads: string; customers: string }>(
      `SELECT if(ft.first_channel = '', '(no touch)', ft.first_channel) AS channel, countIf(c.kind = 'lead') AS leads, countIf(c.kind = 'customer') AS customers
       FROM (SELECT person_id, kind FROM ${d}.conversions WHERE ${IN_RANGE} AND kind IN ('lead', 'customer')) AS c
       LEFT JOIN (SELECT person_id, argMin(channel, ts) AS first_channel FROM ${d}.touchpoints WHERE site_id = {site:String} AND person_id != ${NIL} GROUP BY person_id) AS ft
         ON ft.person_id = c.person_id
       GROUP BY channel`,
      params(r),
    ),
  ]);
  const rows = new Map<string, FunnelRow>();
  const row = (channel: string) => {
    let x = rows.get(channel);
    if (!x) rows.set(channel, (x = { channel, visitors: 0, leads: 0, customers: 0, lead_rate: null, customer_rate: null }));
    return x;
  };
  for (const v of visitors) row(v.channel).visitors = Number(v.visitors);
  for (const p of people) Object.assign(row(p.channel), { leads: Number(p.leads), customers: Number(p.customers) });
  for (const x of rows.values()) {
    x.lead_rate = x.visitors > 0 ? x.leads / x.visitors : null;
    x.customer_rate = x.leads > 0 ? x.customers / x.leads : null;
  }
  return { from: new Date(r.from).toISOString(), to: new Date(r.to).toISOString(), rows: [...rows.values()].sort((a, b) => b.visitors - a.visitors || b.leads - a.leads) };
}
