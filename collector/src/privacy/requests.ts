/**
 * Access and erasure requests: everything stored about a person (or a visitor), as JSON, and its
 * deletion from every table that holds it — events (and the rows the materialized views made from
 * them: identities, stages, sessions), deals, dead letters — with the request itself recorded in
 * `privacy_requests` (subject hashed). Events still in the spool are written to ClickHouse first,
 * so an erasure cannot miss them; after the deletion, the spool files that held them (already
 * written to ClickHouse, kept until their segment rotates) are deleted too, so no copy stays on disk.
 *
 * Why drain-then-delete rather than rewriting spool files: a pending record's place in its file is
 * its checkpoint and its deduplication token; rewriting files under the writer risks losing or
 * doubling other sites' acknowledged events. Draining first reaches the same end with neither risk.
 */
import type { FastifyInstance } from 'fastify';
import { ClError } from '../base/errors.js';
import { forgetCachedTouches } from '../ingest/to-row.js';
import { deleteTarget } from '../storage/cluster.js';
import { NIL_UUID } from '../storage/identities.js';
import { recordPrivacyRequest } from '../storage/privacy-requests.js';
import type { Db } from '../storage/db.js';
import { resolveSubject, type Subject } from './subject.js';

export interface Who {
  email?: string;
  visitor_id?: string;
}

const NONE = [NIL_UUID];

/**
 * Query parameters naming the subject. Emails are compared by hash: ClickHouse keeps a DELETE's
 * condition, parameters substituted, in its mutation records on disk — an erasure must not write
 * the very address it erases.
 */
async function scope(db: Db, siteId: string, s: Subject) {
  const [hashed] = await db.query<{ h: string[] }>(
    'SELECT arrayMap(e -> toString(sipHash64(e)), {emails:Array(String)}) AS h',
    { emails: s.emails },
  );
  return {
    site: siteId,
    persons: s.personIds.length ? s.personIds : NONE,
    visitors: s.visitorIds.length ? s.visitorIds : NONE,
    emailHashes: hashed?.h.length ? hashed.h : [''],
    needles: [...s.visitorIds, ...s.emails, ...s.personIds],
  };
}

const EMAIL_IN = 'toString(sipHash64(email)) IN {emailHashes:Array(String)}';

/** Per table: which rows are the subject's. Parameters: site, persons, visitors, emailHashes, needles. */
const WHERE: Record<string, string> = {
  events: `site_id = {site:String} AND (visitor_id IN {visitors:Array(UUID)} OR person_id IN {persons:Array(UUID)} OR ${EMAIL_IN})`,
  identities:
    'site_id = {site:String} AND (visitor_id IN {visitors:Array(UUID)} OR person_id IN {persons:Array(UUID)})',
  sessions: 'site_id = {site:String} AND visitor_id IN {visitors:Array(UUID)}',
  stages: `site_id = {site:String} AND (person_id IN {persons:Array(UUID)} OR ${EMAIL_IN})`,
  deals: `site_id = {site:String} AND (person_id IN {persons:Array(UUID)} OR ${EMAIL_IN})`,
  stated_sources: 'site_id = {site:String} AND person_id IN {persons:Array(UUID)}',
  // Dead letters keep raw payloads: match the subject's ids and emails anywhere in them.
  dead_letters: 'length({needles:Array(String)}) > 0 AND multiSearchAny(payload, {needles:Array(String)})',
};

async function settled(app: FastifyInstance): Promise<void> {
  if (!(await app.spool.drained(30_000))) {
    throw new ClError(
      'CL_STORAGE_UNAVAILABLE',
      'Events are still waiting to be written to ClickHouse; retry the request later.',
      { headers: { 'retry-after': '30' } },
    );
  }
}

export async function exportSubject(app: FastifyInstance, siteId: string, who: Who) {
  await settled(app);
  const db = app.db;
  const s = await resolveSubject(db, siteId, who);
  const p = await scope(db, siteId, s);
  const d = db.database;
  const [events, identities, stages, deals, statedSources] = await Promise.all([
    db.query(
      `SELECT * EXCEPT (props), toJSONString(props) AS props_json FROM ${d}.events FINAL WHERE ${WHERE.events} ORDER BY ts`,
      p,
    ),
    db.query(`SELECT * FROM ${d}.identities FINAL WHERE ${WHERE.identities} ORDER BY ts`, p),
    db.query(`SELECT * FROM ${d}.stages FINAL WHERE ${WHERE.stages} ORDER BY ts`, p),
    db.query<{ amount: string; status: string }>(`SELECT * FROM ${d}.deals FINAL WHERE ${WHERE.deals} ORDER BY ts`, p),
    db.query(`SELECT * FROM ${d}.stated_sources FINAL WHERE ${WHERE.stated_sources} ORDER BY ts`, p),
  ]);
  const rows = events as Record<string, unknown>[];
  const result = {
    site: siteId,
    subject: { emails: s.emails, person_ids: s.personIds, visitor_ids: s.visitorIds },
    touches: rows
      .filter((e) => e.session_start)
      .map((e) => ({
        ts: e.session_ts,
        visitor_id: e.visitor_id,
        channel: e.channel,
        source: e.source,
        medium: e.medium,
        campaign: e.utm_campaign,
        referrer: e.referrer,
        landing_url: e.landing_url,
      })),
    forms: rows
      .filter((e) => e.type === 'form')
      .map((e) => ({ ts: e.ts, form: e.name, url: e.url, fields: JSON.parse(String(e.props_json)) as unknown })),
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
  const dropSpoolCopies = await app.spool.settleForErasure(30_000);
  if (!dropSpoolCopies) {
    throw new ClError(
      'CL_STORAGE_UNAVAILABLE',
      'Events are still waiting to be written to ClickHouse; retry the request later.',
      { headers: { 'retry-after': '30' } },
    );
  }
  const db = app.db;
  const s = await resolveSubject(db, siteId, who);
  const p = await scope(db, siteId, s);
  const deleted: Record<string, number> = {};
  for (const [table, where] of Object.entries(WHERE)) {
    const t = `${db.database}.${table}`;
    const [row] = await db.query<{ n: string }>(`SELECT count() AS n FROM ${t} WHERE ${where}`, p);
    deleted[table] = Number(row?.n ?? 0);
    if (!deleted[table]) continue;
    // On a cluster, the sharded tables' rows are deleted from each shard's local table (storage/cluster.ts).
    const target = deleteTarget(db.database, table, db.cluster);
    if (table === 'dead_letters') {
      // Found by the subject's emails and ids in the payload; deleted by the payloads' hashes.
      const rows = await db.query<{ h: string }>(
        `SELECT DISTINCT toString(cityHash64(payload)) AS h FROM ${t} WHERE ${where}`,
        p,
      );
      await db.command(`DELETE FROM ${target} WHERE toString(cityHash64(payload)) IN {payloads:Array(String)}`, {
        payloads: rows.map((r) => r.h),
      });
    } else {
      // Lightweight DELETE: the rows vanish from every query at once.
      await db.command(`DELETE FROM ${target} WHERE ${where}`, p);
    }
    // And from the part files: rewritten without them now, rather than whenever ClickHouse merges.
    await db.command(`ALTER TABLE ${target} APPLY DELETED MASK SETTINGS mutations_sync = 2`);
  }
  const spoolFiles = await dropSpoolCopies();
  forgetCachedTouches();
  await recordPrivacyRequest(db, siteId, 'erase', s.key, {
    deleted,
    spool_files: spoolFiles,
    visitors: s.visitorIds.length,
    persons: s.personIds.length,
  });
  return {
    site: siteId,
    erased: { visitors: s.visitorIds.length, persons: s.personIds.length },
    deleted,
    spool_files: spoolFiles,
  };
}
