/**
 * Pages that lead to conversions. `pages`: per landing page, the sessions that entered there in the
 * range (the segment's), the leads and customers of the range whose converting session — the last
 * touch before the conversion — landed there, and *assisted* conversions: those whose earlier
 * sessions in the lookback window landed there, but not the converting one. `paths`: the pages
 * viewed in each converting session from the entry page to the conversion, the most frequent
 * sequences with how many sessions of the range followed the same pages (in order, from entry) and
 * the share of them that converted.
 */
import type { PageRow, PathRow } from '../../../contract/reports.js';
import { conversionPathsSql, DIMENSIONS, type Dimension } from '../attribution/models.js';
import type { Db } from '../storage/db.js';
import { NIL_UUID_SQL } from '../storage/identities.js';
import { toClickHouseTime } from '../storage/time.js';
import { eventFilterSql, filterParams, round, sessionFilterSql } from '../scope/filters.js';
import { IN_RANGE, type ReportRange } from './overview.js';

export interface PathsQuery extends ReportRange {
  lookbackDays: number;
}

const MAX_PAGES = 100;
const MAX_PATHS = 20;
const LANDING = DIMENSIONS.indexOf('landing_page') + 3; // place in a `found` tuple: (ts, session_id, …dimensions)

function params(q: PathsQuery, kinds: string[]) {
  return {
    site: q.siteId,
    from: toClickHouseTime(q.from),
    to: toClickHouseTime(q.to),
    kinds,
    lookback_days: q.lookbackDays,
    ...filterParams(q.filters),
  };
}

/** The segment's condition on an element `x` of `found`. */
function touchInSegment(q: PathsQuery, d: string): string {
  return sessionFilterSql(q.filters, d, (name) =>
    name === 'session_id' ? 'x.2' : `tupleElement(x, ${DIMENSIONS.indexOf(name as Dimension) + 3})`,
  );
}

export async function pagesReport(db: Db, q: PathsQuery): Promise<{ from: string; to: string; rows: PageRow[] }> {
  const d = db.database;
  const [entrances, credited] = await Promise.all([
    db.query<{ page: string; entrances: string }>(
      `SELECT landing_page AS page, uniqExact(session_id) AS entrances FROM ${d}.sessions
       WHERE ${IN_RANGE} AND visitor_id != ${NIL_UUID_SQL} AND ${sessionFilterSql(q.filters, d)}
       GROUP BY page ORDER BY entrances DESC LIMIT ${MAX_PAGES}`,
      params(q, []),
    ),
    db.query<{ kind: string; page: string; converted: string; assisted: string }>(
      `SELECT kind, page, countIf(page = last_page) AS converted, countIf(page != last_page) AS assisted
       FROM
       (
         SELECT kind, tupleElement(found[-1], ${LANDING}) AS last_page,
                arrayDistinct(arrayMap(x -> tupleElement(x, ${LANDING}), arrayFilter(x -> ${touchInSegment(q, d)}, found))) AS pages
         FROM (${conversionPathsSql({ database: d, filtered: true })})
         WHERE notEmpty(found)
       )
       ARRAY JOIN pages AS page
       GROUP BY kind, page`,
      params(q, ['lead', 'customer']),
    ),
  ]);
  const rows = new Map<string, PageRow>();
  const row = (page: string) => {
    let r = rows.get(page);
    if (!r)
      rows.set(
        page,
        (r = { page, entrances: 0, leads: 0, customers: 0, lead_rate: null, assisted_leads: 0, assisted_customers: 0 }),
      );
    return r;
  };
  for (const e of entrances) row(e.page).entrances = Number(e.entrances);
  for (const c of credited) {
    const r = row(c.page);
    if (c.kind === 'lead') Object.assign(r, { leads: Number(c.converted), assisted_leads: Number(c.assisted) });
    else Object.assign(r, { customers: Number(c.converted), assisted_customers: Number(c.assisted) });
  }
  for (const r of rows.values()) r.lead_rate = r.entrances > 0 ? round.ratio(r.leads / r.entrances) : null;
  const list = [...rows.values()]
    .sort((a, b) => b.entrances - a.entrances || b.leads - a.leads || a.page.localeCompare(b.page))
    .slice(0, MAX_PAGES);
  return { from: new Date(q.from).toISOString(), to: new Date(q.to).toISOString(), rows: list };
}

/** Consecutive views of the same page count once (a reload, a form posting to itself). */
const DEDUP = (a: string) => `arrayFilter((p, i) -> i = 1 OR p != ${a}[i - 1], ${a}, arrayEnumerate(${a}))`;

export async function pathsReport(
  db: Db,
  q: PathsQuery & { conversion: 'lead' | 'customer' },
): Promise<{ from: string; to: string; conversion: string; rows: PathRow[] }> {
  const d = db.database;
  const pageviews = `SELECT session_id, ts, path FROM ${d}.events
    WHERE site_id = {site:String} AND type = 'pageview' AND NOT is_bot AND session_id != ${NIL_UUID_SQL}
      AND ts >= {from:DateTime64(3)} - toIntervalDay({lookback_days:UInt32}) AND ts < {to:DateTime64(3)}`;
  const converting = await db.query<{ pages: string[]; conversions: string }>(
    `SELECT pages, count() AS conversions
     FROM
     (
       SELECT ${DEDUP('raw')} AS pages
       FROM
       (
         SELECT c.person_id, c.conv_ts, arrayMap(x -> x.2, arraySort(groupArray((e.ts, e.path)))) AS raw
         FROM
         (
           SELECT person_id, conv_ts, tupleElement(found[-1], 2) AS sid
           FROM (${conversionPathsSql({ database: d, filtered: true })})
           WHERE notEmpty(found) AND arrayExists(x -> ${touchInSegment(q, d)}, [found[-1]])
         ) AS c
         INNER JOIN (${pageviews}) AS e ON e.session_id = c.sid
         WHERE e.ts <= c.conv_ts
         GROUP BY c.person_id, c.conv_ts
       )
     )
     WHERE notEmpty(pages)
     GROUP BY pages ORDER BY conversions DESC, pages LIMIT ${MAX_PATHS}`,
    params(q, [q.conversion]),
  );
  const seqs = converting.map((c) => c.pages);
  const followed = seqs.length
    ? await db.query<{ seq: string[]; sessions: string }>(
        `SELECT s AS seq, countIf(arraySlice(pages, 1, length(s)) = s) AS sessions
         FROM
         (
           SELECT ${DEDUP('raw')} AS pages
           FROM (SELECT session_id, arrayMap(x -> x.2, arraySort(groupArray((ts, path)))) AS raw FROM ${d}.events
                 WHERE ${IN_RANGE} AND type = 'pageview' AND NOT is_bot AND session_id != ${NIL_UUID_SQL} AND ${eventFilterSql(q.filters, d)}
                 GROUP BY session_id)
         )
         ARRAY JOIN {seqs:Array(Array(String))} AS s
         GROUP BY seq`,
        { ...params(q, []), seqs },
      )
    : [];
  const sessionsOf = new Map(followed.map((f) => [JSON.stringify(f.seq), Number(f.sessions)]));
  return {
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    conversion: q.conversion,
    rows: converting.map((c) => {
      const sessions = sessionsOf.get(JSON.stringify(c.pages)) ?? 0;
      return {
        path: c.pages.join(' → '),
        pages: c.pages,
        conversions: Number(c.conversions),
        sessions,
        conversion_rate: sessions > 0 ? round.ratio(Number(c.conversions) / sessions) : null,
      };
    }),
  };
}
