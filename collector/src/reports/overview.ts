/**
 * Dashboard reports over a site, a time range and a segment (filters): totals and a daily series
 * (calendar days of the site's time zone) of visitors, sessions, page views, leads, customers and
 * revenue; and the visitor → lead → customer funnel by first-touch channel. Bots excluded;
 * cookieless page views (consent pending: zero visitor id) count as page views, not as visitors or
 * sessions. With filters, traffic counts the selected sessions and conversions count those of
 * people with a selected session in the 90 days before (funnel.ts has the funnel).
 */
import type { DayPoint, Overview } from '../../../contract/reports.js';
import type { Db } from '../storage/db.js';
import { NIL_UUID_SQL } from '../storage/identities.js';
import { toClickHouseTime } from '../storage/time.js';
import { touchpointsSql } from '../attribution/models.js';
import {
  activeFilters,
  eventFilterSql,
  filterParams,
  round,
  sessionFilterSql,
  type Filters,
} from '../scope/filters.js';
import { daysBetween } from '../scope/time-zone.js';

export interface ReportRange {
  siteId: string;
  from: number;
  to: number;
  timeZone: string;
  filters: Filters;
}

const NIL = NIL_UUID_SQL;
export const params = (r: ReportRange) => ({
  site: r.siteId,
  from: toClickHouseTime(r.from),
  to: toClickHouseTime(r.to),
  tz: r.timeZone,
  ...filterParams(r.filters),
});
export const IN_RANGE = 'site_id = {site:String} AND ts >= {from:DateTime64(3)} AND ts < {to:DateTime64(3)}';
/** Conversions are counted for a segment when the person had one of its sessions this many days before. */
export const SEGMENT_LOOKBACK_DAYS = 90;

/** The range's conversions (kind, ts, value, person); with filters, only those the segment touched. */
export function conversionsSql(d: string, r: ReportRange, where = IN_RANGE): string {
  if (!activeFilters(r.filters).length) return `SELECT person_id, kind, ts, value FROM ${d}.conversions WHERE ${where}`;
  return `
    SELECT c.person_id AS person_id, c.kind AS kind, c.ts AS ts, c.value AS value
    FROM (SELECT person_id, kind, ts, value, record_id FROM ${d}.conversions WHERE ${where}) AS c
    INNER JOIN (SELECT person_id, ts AS touch_ts FROM (${touchpointsSql(d, `site_id = {site:String} AND ${sessionFilterSql(r.filters, d)}`)}) WHERE person_id != ${NIL}) AS t
      ON t.person_id = c.person_id
    WHERE t.touch_ts <= c.ts AND t.touch_ts >= c.ts - toIntervalDay(${SEGMENT_LOOKBACK_DAYS})
    GROUP BY c.person_id, c.kind, c.ts, c.value, c.record_id`;
}

export async function overview(db: Db, r: ReportRange): Promise<Overview> {
  const d = db.database;
  const events = `${d}.events WHERE ${IN_RANGE} AND NOT is_bot AND ${eventFilterSql(r.filters, d)}`;
  const traffic = `uniqExactIf(visitor_id, visitor_id != ${NIL}) AS visitors, uniqExactIf(session_id, session_id != ${NIL}) AS sessions, countIf(type = 'pageview') AS pageviews`;
  const [byDay, conversions, totals] = await Promise.all([
    db.query<{ day: string; visitors: string; sessions: string; pageviews: string }>(
      `SELECT toString(toDate(ts, {tz:String})) AS day, ${traffic} FROM ${events} GROUP BY day ORDER BY day`,
      params(r),
    ),
    db.query<{ day: string; leads: string; customers: string; revenue: number }>(
      `SELECT toString(toDate(ts, {tz:String})) AS day, countIf(kind = 'lead') AS leads, countIf(kind = 'customer') AS customers, sumIf(value, kind = 'revenue') AS revenue
       FROM (${conversionsSql(d, r)}) GROUP BY day ORDER BY day`,
      params(r),
    ),
    db.query<{ visitors: string; sessions: string; pageviews: string }>(`SELECT ${traffic} FROM ${events}`, params(r)),
  ]);
  const days = new Map<string, DayPoint>(
    daysBetween(r.from, r.to, r.timeZone).map((day) => [
      day,
      { day, visitors: 0, sessions: 0, pageviews: 0, leads: 0, customers: 0, revenue: 0 },
    ]),
  );
  for (const t of byDay)
    Object.assign(days.get(t.day) ?? {}, { visitors: +t.visitors, sessions: +t.sessions, pageviews: +t.pageviews });
  for (const c of conversions)
    Object.assign(days.get(c.day) ?? {}, {
      leads: +c.leads,
      customers: +c.customers,
      revenue: round.money(Number(c.revenue)),
    });
  const series = [...days.values()];
  const sum = (f: (p: DayPoint) => number) => series.reduce((a, p) => a + f(p), 0);
  return {
    from: new Date(r.from).toISOString(),
    to: new Date(r.to).toISOString(),
    time_zone: r.timeZone,
    totals: {
      visitors: Number(totals[0]?.visitors ?? 0),
      sessions: Number(totals[0]?.sessions ?? 0),
      pageviews: Number(totals[0]?.pageviews ?? 0),
      leads: sum((p) => p.leads),
      customers: sum((p) => p.customers),
      revenue: round.money(sum((p) => p.revenue)),
    },
    series,
  };
}
