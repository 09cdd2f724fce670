/**
 * Reads the touch of sessions from `events`: the columns of each session's first event
 * (`session_start`), for wire-format-2 events that arrive without their session's touch
 * (collector/src/ingest/session-touches.ts). Only the first click id a row keeps comes back, which is
 * all an `events` row stores of a touch. Reads only the days from `since` on (a session's first event
 * is not long before its others), so the sort key (site, day, …) bounds what is scanned.
 */
import type { ClickIdName, Touch } from '../../../sdk/src/protocol.js';
import type { Db } from './db.js';
import { UTM_COLUMNS, type EventRow } from './events.js';

type Row = Pick<EventRow, 'referrer' | 'landing_url' | (typeof UTM_COLUMNS)[number] | 'click_id_type' | 'click_id'> & {
  sid: string;
  /** ms since epoch (Int64, as JSON text). */
  session_ms: string | number;
};

/** The touches of `sessionIds` of a site whose stored first event is at or after `since` (ms), by session id. */
export async function storedSessionTouches(
  db: Db,
  siteId: string,
  sessionIds: readonly string[],
  since: number,
): Promise<Map<string, Touch>> {
  const out = new Map<string, Touch>();
  if (!sessionIds.length) return out;
  const rows = await db.query<Row>(
    `SELECT toString(session_id) AS sid, toUnixTimestamp64Milli(session_ts) AS session_ms, referrer, landing_url,
            utm_source, utm_medium, utm_campaign, utm_term, utm_content, click_id_type, click_id
     FROM ${db.database}.events
     WHERE site_id = {site:String} AND toDate(ts) >= toDate(fromUnixTimestamp64Milli({since:Int64}, 'UTC'))
       AND session_id IN {sessions:Array(UUID)} AND session_start
     ORDER BY ts LIMIT 1 BY session_id`,
    { site: siteId, sessions: [...sessionIds], since },
  );
  for (const r of rows) {
    const t: Touch = { ts: Number(r.session_ms), referrer: r.referrer, landing_url: r.landing_url };
    for (const k of UTM_COLUMNS) if (r[k]) t[k] = r[k];
    if (r.click_id_type) t.click_ids = { [r.click_id_type as ClickIdName]: r.click_id };
    out.set(r.sid, t);
  }
  return out;
}
