/**
 * Whom a privacy request is about: a person named by email (all their visitors, on every device)
 * or a visitor id (and, when that visitor was identified, their person and its other visitors).
 */
import { normalizeEmail, personId } from '../identity/person.js';
import type { Db } from '../storage/db.js';

export interface Subject {
  /** What the request named, normalized (email or visitor id). */
  key: string;
  personIds: string[];
  visitorIds: string[];
  emails: string[];
}

export async function resolveSubject(
  db: Db,
  siteId: string,
  who: { email?: string; visitor_id?: string },
): Promise<Subject> {
  const d = db.database;
  const persons = new Set<string>();
  const visitors = new Set<string>();
  const email = who.email ? normalizeEmail(who.email) : null;
  if (email) persons.add(personId(siteId, { email }));
  if (who.visitor_id) {
    visitors.add(who.visitor_id);
    const rows = await db.query<{ person: string }>(
      `SELECT DISTINCT toString(person_id) AS person FROM ${d}.identities WHERE site_id = {site:String} AND visitor_id = {v:UUID}`,
      { site: siteId, v: who.visitor_id },
    );
    for (const r of rows) persons.add(r.person);
  }
  if (persons.size) {
    const rows = await db.query<{ visitor: string }>(
      `SELECT DISTINCT toString(visitor_id) AS visitor FROM ${d}.identities WHERE site_id = {site:String} AND person_id IN {persons:Array(UUID)}`,
      { site: siteId, persons: [...persons] },
    );
    for (const r of rows) visitors.add(r.visitor);
  }
  const emails = new Set<string>(email ? [email] : []);
  if (persons.size) {
    const rows = await db.query<{ email: string }>(
      `SELECT DISTINCT email FROM (
         SELECT email FROM ${d}.identities WHERE site_id = {site:String} AND person_id IN {persons:Array(UUID)}
         UNION ALL SELECT email FROM ${d}.stages WHERE site_id = {site:String} AND person_id IN {persons:Array(UUID)}
         UNION ALL SELECT email FROM ${d}.deals WHERE site_id = {site:String} AND person_id IN {persons:Array(UUID)}
       ) WHERE email != ''`,
      { site: siteId, persons: [...persons] },
    );
    for (const r of rows) emails.add(r.email);
  }
  return {
    key: email ?? who.visitor_id ?? '',
    personIds: [...persons],
    visitorIds: [...visitors],
    emails: [...emails],
  };
}
