/**
 * A lead's timeline: who they are, their visitors (devices), every touch of every session of those
 * visitors, their form submissions, stage history and deals — the page a marketer opens to see why
 * a lead came. Read-only queries over the append-only tables; no state is kept anywhere else.
 */
import { personId, personKey } from '../identity/person.js';
import type { LeadTimeline } from '../../../contract/reports.js';
import type { Db } from '../storage/db.js';

/** The person id for `email=` lookups is derived, so it needs no search. */
export function personIdForEmail(siteId: string, email: string): string | null {
  const key = personKey(email);
  return key ? personId(siteId, key) : null;
}

export async function leadTimeline(db: Db, siteId: string, person: string): Promise<LeadTimeline | null> {
  const d = db.database;
  const p = { site: siteId, person };
  const [summary] = await db.query<Omit<LeadTimeline, 'visitors' | 'touches' | 'forms' | 'stages' | 'deals'>>(
    `SELECT person_id, email, user_id, stage, lead_at, customer_at,
            toFloat64(revenue) AS revenue, currency
     FROM ${d}.people WHERE site_id = {site:String} AND person_id = {person:UUID}`,
    p,
  );
  if (!summary) return null;
  const visitors = await db.query<{ visitor_id: string; identified_at: string }>(
    `SELECT visitor_id, identified_at FROM ${d}.visitor_people
     WHERE site_id = {site:String} AND person_id = {person:UUID} ORDER BY identified_at`,
    p,
  );
  const ids = visitors.map((v) => v.visitor_id);
  const touches = await db.query<Record<string, unknown>>(
    `SELECT toString(session_ts) AS ts, visitor_id, session_id, channel, source, medium,
            utm_campaign AS campaign, utm_term AS term, utm_content AS content, referrer_domain, landing_url
     FROM ${d}.events FINAL
     WHERE site_id = {site:String} AND visitor_id IN {ids:Array(UUID)} AND session_start AND NOT is_bot
     ORDER BY session_ts`,
    { ...p, ids },
  );
  const forms = await db.query<Record<string, unknown>>(
    `SELECT ts, visitor_id, name AS form, url, email, props AS fields
     FROM ${d}.events FINAL
     WHERE site_id = {site:String} AND visitor_id IN {ids:Array(UUID)} AND type = 'form'
     ORDER BY ts`,
    { ...p, ids },
  );
  const stages = await db.query<Record<string, unknown>>(
    `SELECT stage, ts, source, record_id FROM ${d}.stages FINAL
     WHERE site_id = {site:String} AND person_id = {person:UUID} ORDER BY ts, indexOf(['lead', 'mql', 'sql', 'opportunity', 'customer', 'lost'], stage)`,
    p,
  );
  const deals = await db.query<Record<string, unknown>>(
    `SELECT record_id, status, toFloat64(amount) AS amount, currency, ts, updated_at
     FROM ${d}.deals FINAL WHERE site_id = {site:String} AND person_id = {person:UUID} ORDER BY ts`,
    p,
  );
  // Every identifying event adds a web 'lead' row; the timeline shows when the person became one.
  const firstWebLead = stages.findIndex((s) => s.stage === 'lead' && s.source === 'web');
  const history = stages.filter((s, i) => !(s.stage === 'lead' && s.source === 'web' && i !== firstWebLead));
  return { ...summary, revenue: Number(summary.revenue), visitors, touches, forms, stages: history, deals };
}
