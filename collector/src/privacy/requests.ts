/**
 * Access and erasure requests: everything stored about a person (or a visitor), as JSON, and its
 * deletion from every table that holds it — events (and the rows the materialized views made from
 * them: identities, stages, sessions), deals, dead letters — with the request itself recorded in
 * `privacy_requests` (subject hashed). Events still in the spool are written to ClickHouse first,
 * so an erasure cannot miss them.
 */
import type { FastifyInstance } from 'fastify';
import { ClError } from '../errors.js';
import { NIL_UUID } from '../storage/identities.js';
import { recordPrivacyRequest } from '../storage/privacy-requests.js';
import { resolveSubject, type Subject } from './subject.js';

export interface Who {
  email?: string;
  visitor_id?: string;
}

const NONE = [NIL_UUID];

function scope(siteId: string, s: Subject) {
  return {
    site: siteId,
    persons: s.personIds.length ? s.personIds : NONE,
    visitors: s.visitorIds.length ? s.visitorIds : NONE,
    emails: s.emails.length ? s.emails : [''],
    needles: [...s.visitorIds, ...s.emails, ...s.personIds],
  };
}

/** Per table: which rows are the subject's. Parameters: site, persons, visitors, emails, needles. */
const WHERE: Record<string, string> = {
  events: 'site_id = {site:String} AND (visitor_id IN {visitors:Array(UUID)} OR person_id IN {persons:Array(UUID)} OR email IN {emails:Array(String)})',
  identities: 'site_id = {site:String} AND (visitor_id IN {visitors:Array(UUID)} OR person_id IN {persons:Array(UUID)})',
  sessions: 'site_id = {site:String} AND visitor_id IN {visitors:Array(UUID)}',
  stages: 'site_id = {site:String} AND (person_id IN {persons:Array(UUID)} OR email IN {emails:Array(String)})',
  deals: 'site_id = {site:String} AND (person_id IN {persons:Array(UUID)} OR email IN {emails:Array(String)})',
  stated_sources: 'site_id = {site:String} AND person_id IN {persons:Array(UUID)}',
  // Dead letters keep raw payloads: match the subject's ids and emails anywhere in them.
  dead_letters: "length({needles:Array(String)}) > 0 AND multiSearchAny(payload, {needles:Array(String)})",
};

async function settled(app: FastifyInstance): Promise<void> {
  if (!(await app.spool.drained(30_000))) {
    throw new ClError('CL_STORAGE_UNAVAILABLE', 'Events are still waiting to be written to ClickHouse; retry the request later.', { headers: { 'retry-after': '30' } });
  }
}

export async function exportSubject(app: FastifyInstance, siteId: string, who: Who) {
  await settled(app);
  const db = app.db;
  const s = await resolveSubject(db, siteId, who);
  const p = scope(siteId, s);
  const d = db.database;
  const [events, identities, stages, deals, statedSources] = await Promise.all([
    db.query(`SELECT * EXCEPT (props), toJSONString(props) AS props_json FROM ${d}.events FINAL WHERE ${WHERE.events} ORDER BY ts`, p),
    db.query(`SELECT * FROM ${d}.identities FINAL WHERE ${WHERE.identities} ORDER BY ts`, p),
    db.query(`SELECT * FROM ${d}.stages FINAL WHERE ${WHERE.stages} ORDER BY ts`, p),
    db.query<{ amount: string; status: string }>(`SELECT * FROM ${d}.deals FINAL WHERE ${WHERE.deals} ORDER BY ts`, p),
    db.query(`SELECT * FROM ${d}.stated_sources FINAL WHERE ${WHERE.stated_sources} ORDER BY ts`, p),
  ]);
  const rows = events as Record<string, unknown>[];
  const result = {
    site: siteId,
    subject: { emails: s.emails, person_ids: s.personIds, visitor_ids: s.visitorIds },
    touches: rows.filter((e) => e.session_start).map((e) => ({ ts: e.session_ts, visitor_id: e.visitor_id, channel: e.channel, source: e.source, medium: e.medium, campaign: e.utm_campaign, referrer: e.referrer, landing_url: e.landing_url })),
    forms: rows.filter((e) => e.type === 'form').map((e) => ({ ts: e.ts, form: e.name, url: e.url, fields: JSON.parse(String(e.props_json)) as unknown })),
    stages,
    deals,
    revenue: deals.filter((x) => x.status === 'won').reduce((a, x) => a + Number(x.amount), 0),
    stated_sources: statedSources,
    identities,
    events: rows.map(({ props_json, ...e }) => ({ ...e, props: JSON.parse(String(props_json)) as unknown })),
  };
  await recordPrivacyRequest(db, siteId, 'export', s.key, { events: rows.length, visitors: s.visitorIds.length });
  return result;
}

export async function eraseSubject(app: FastifyInstance, siteId: string, who: Who) {
  await settled(app);
  const db = app.db;
  const s = await resolveSubject(db, siteId, who);
  const p = scope(siteId, s);
  const deleted: Record<string, number> = {};
  for (const [table, where] of Object.entries(WHERE)) {
    const [row] = await db.query<{ n: string }>(`SELECT count() AS n FROM ${db.database}.${table} WHERE ${where}`, p);
    deleted[table] = Number(row?.n ?? 0);
    // Lightweight DELETE: rows vanish from every query at once; parts are rewritten in the background.
    if (deleted[table]) await db.command(`DELETE FROM ${db.database}.${table} WHERE ${where}`, p);
  }
  await recordPrivacyRequest(db, siteId, 'erase', s.key, { deleted, visitors: s.visitorIds.length, persons: s.personIds.length });
  return { site: siteId, erased: { visitors: s.visitorIds.length, persons: s.personIds.length }, deleted };
}
