/**
 * The visitor → lead → customer funnel by first-touch channel, as a cohort so that no rate can
 * pass 100 %: *visitors* are counted under the channel of their first session in the range;
 * *leads* are the people who became leads in the range, under the channel of their earliest
 * session in the range on any device (that session's visitor is one of the row's visitors);
 * *customers* are those leads who became customers before the range ended. Leads with no session
 * in the range (imported from the CRM, or whose visits came earlier) are counted apart, in
 * `without_visit`. With filters, only the segment's sessions count, and leads without one are left out.
 */
import type { Funnel, FunnelRow } from '../../../contract/reports.js';
import { touchpointsSql } from '../attribution/models.js';
import type { Db } from '../storage/db.js';
import { NIL_UUID_SQL } from '../storage/identities.js';
import { activeFilters, label, round, sessionFilterSql } from '../scope/filters.js';
import { IN_RANGE, params, type ReportRange } from './overview.js';

const NIL = NIL_UUID_SQL;

export async function funnel(db: Db, r: ReportRange): Promise<Funnel> {
  const d = db.database;
  const segment = sessionFilterSql(r.filters, d);
  const [visitors, people] = await Promise.all([
    // Straight from `sessions` (no person needed; a copy of a session not merged yet has the same touch).
    db.query<{ channel: string; visitors: string }>(
      `SELECT first_channel AS channel, count() AS visitors
       FROM (SELECT visitor_id, argMin(channel, ts) AS first_channel FROM ${d}.sessions WHERE ${IN_RANGE} AND visitor_id != ${NIL} AND ${segment} GROUP BY visitor_id)
       GROUP BY channel`,
      params(r),
    ),
    db.query<{ channel: string; visited: number; leads: string; customers: string }>(
      `SELECT ft.first_channel AS channel, ft.person_id != ${NIL} AS visited, count() AS leads, countIf(cu.person_id != ${NIL}) AS customers
       FROM (SELECT person_id FROM ${d}.conversions WHERE ${IN_RANGE} AND kind = 'lead') AS l
       LEFT JOIN (SELECT person_id, argMin(channel, ts) AS first_channel FROM (${touchpointsSql(d, `${IN_RANGE} AND ${segment}`)}) WHERE person_id != ${NIL} GROUP BY person_id) AS ft
         ON ft.person_id = l.person_id
       LEFT JOIN (SELECT person_id FROM ${d}.conversions WHERE site_id = {site:String} AND kind = 'customer' AND ts < {to:DateTime64(3)}) AS cu
         ON cu.person_id = l.person_id
       GROUP BY channel, visited`,
      params(r),
    ),
  ]);
  const rows = new Map<string, FunnelRow>();
  const row = (channel: string) => {
    let x = rows.get(label(channel));
    if (!x)
      rows.set(
        label(channel),
        (x = { channel: label(channel), visitors: 0, leads: 0, customers: 0, lead_rate: null, customer_rate: null }),
      );
    return x;
  };
  const apart = { leads: 0, customers: 0 };
  for (const v of visitors) row(v.channel).visitors = Number(v.visitors);
  for (const p of people) {
    if (!Number(p.visited)) Object.assign(apart, { leads: Number(p.leads), customers: Number(p.customers) });
    else Object.assign(row(p.channel), { leads: Number(p.leads), customers: Number(p.customers) });
  }
  for (const x of rows.values()) {
    x.lead_rate = x.visitors > 0 ? round.ratio(x.leads / x.visitors) : null;
    x.customer_rate = x.leads > 0 ? round.ratio(x.customers / x.leads) : null;
  }
  return {
    from: new Date(r.from).toISOString(),
    to: new Date(r.to).toISOString(),
    rows: [...rows.values()].sort((a, b) => b.visitors - a.visitors || b.leads - a.leads),
    without_visit: activeFilters(r.filters).length ? { leads: 0, customers: 0 } : apart,
  };
}
