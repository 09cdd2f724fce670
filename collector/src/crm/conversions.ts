/**
 * CRM conversions: a stage change or a deal (won, lost, open) for a person named by email, user id
 * or visitor id, keyed by the CRM's own record id. Writes are append-only rows in `stages`,
 * `deals` and (when a visitor is named) `identities`; sending a record again replaces it.
 */
import { z } from 'zod';
import { normalizeEmail, personId, personKey } from '../identity/person.js';
import type { Db } from '../storage/db.js';
import { insertDeals, type DealRow, type DealStatus } from '../storage/deals.js';
import { insertIdentities, NIL_UUID, type IdentityRow } from '../storage/identities.js';
import { insertStages, STAGES, type StageRow } from '../storage/stages.js';
import { insertStatedSources, type StatedSourceRow } from '../storage/stated-sources.js';
import { toClickHouseTime } from '../storage/time.js';

const MIN_TS = Date.UTC(2000, 0, 1);
const time = z.union([
  z.number().int().min(MIN_TS, 'must be ms since epoch'),
  z.iso
    .datetime({ offset: true, message: 'must be ms since epoch or an ISO 8601 time' })
    .transform((s) => Date.parse(s)),
  z.iso.date({ message: 'must be ms since epoch or an ISO 8601 time' }).transform((s) => Date.parse(`${s}T00:00:00Z`)),
]);

export const ConversionSchema = z
  .object({
    record_id: z.string().trim().min(1, 'is required').max(256),
    email: z.string().trim().max(254).optional(),
    user_id: z.string().trim().max(256).optional(),
    visitor_id: z
      .guid('must be a UUID')
      .transform((s) => s.toLowerCase())
      .optional(),
    stage: z.enum(STAGES, { message: `must be one of ${STAGES.join(', ')}` }),
    amount: z.number().finite().min(0).max(1e15).optional(),
    currency: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
      .optional(),
    ts: time,
    /** Larger wins when the same record arrives twice; default: when it arrived. */
    version: z.number().int().min(0).optional(),
    /** What the lead said brought them ("How did you hear about us?"). */
    stated_source: z.string().trim().max(200).optional(),
  })
  .refine((c) => c.email || c.user_id || c.visitor_id, {
    message: 'needs an email, a user_id or a visitor_id',
    path: ['email'],
  })
  .refine((c) => !c.email || personKey(c.email), { message: 'is not an email address', path: ['email'] })
  .refine((c) => c.amount === undefined || c.currency, { message: 'is required with an amount', path: ['currency'] });

export type Conversion = z.output<typeof ConversionSchema>;

export interface ConversionOutcome {
  record_id: string;
  person_id: string;
  /** created: a new record; updated: the record existed and was replaced. */
  result: 'created' | 'updated';
  /** The person has never been seen on the web (no visitor yet): stored, attributed once they are. */
  matched: boolean;
}

const STATUS: Partial<Record<Conversion['stage'], DealStatus>> = { customer: 'won', lost: 'lost', opportunity: 'open' };

/** Resolve persons, write the rows, and say per record what happened. */
export async function recordConversions(
  db: Db,
  siteId: string,
  conversions: readonly Conversion[],
  now = Date.now(),
): Promise<ConversionOutcome[]> {
  const persons = await resolvePersons(db, siteId, conversions);
  const existing = await existingRecords(
    db,
    siteId,
    conversions.map((c) => c.record_id),
  );
  const stages: StageRow[] = [];
  const deals: DealRow[] = [];
  const identities: IdentityRow[] = [];
  const stated: StatedSourceRow[] = [];
  const outcomes: ConversionOutcome[] = [];
  for (const [i, c] of conversions.entries()) {
    const person = persons[i]!;
    const ts = toClickHouseTime(c.ts);
    const version = c.version ?? now;
    const email = normalizeEmail(c.email ?? '') ?? '';
    stages.push({
      site_id: siteId,
      person_id: person,
      stage: c.stage,
      ts,
      source: 'crm',
      record_id: c.record_id,
      email,
      version,
    });
    const status = c.amount !== undefined ? (STATUS[c.stage] ?? 'open') : STATUS[c.stage];
    if (status) {
      deals.push({
        site_id: siteId,
        record_id: c.record_id,
        person_id: person,
        email,
        user_id: c.user_id ?? '',
        status,
        amount: (c.amount ?? 0).toFixed(2),
        currency: c.currency ?? '',
        ts,
        source: 'crm',
        updated_at: toClickHouseTime(now),
        version,
      });
    }
    if (c.stated_source)
      stated.push({ site_id: siteId, person_id: person, source: c.stated_source, ts, record_id: c.record_id, version });
    if (c.visitor_id) {
      identities.push({
        site_id: siteId,
        visitor_id: c.visitor_id,
        person_id: person,
        ts,
        via: 'crm',
        email,
        user_id: c.user_id ?? '',
        event_id: NIL_UUID,
      });
    }
    outcomes.push({
      record_id: c.record_id,
      person_id: person,
      result: existing.has(c.record_id) ? 'updated' : 'created',
      matched: false,
    });
  }
  await insertIdentities(db, identities);
  await insertDeals(db, deals);
  await insertStages(db, stages);
  await insertStatedSources(db, stated);
  const seen = await personsSeenOnWeb(db, siteId, [...new Set(outcomes.map((o) => o.person_id))]);
  for (const o of outcomes) o.matched = seen.has(o.person_id);
  return outcomes;
}

/** Person per conversion: from email / user id (derived, no lookup), else the visitor's current person. */
async function resolvePersons(db: Db, siteId: string, conversions: readonly Conversion[]): Promise<string[]> {
  const byVisitor = conversions.filter((c) => !personKey(c.email, c.user_id) && c.visitor_id).map((c) => c.visitor_id!);
  const current = new Map<string, string>();
  if (byVisitor.length) {
    const rows = await db.query<{ visitor: string; person: string }>(
      `SELECT toString(visitor_id) AS visitor, toString(argMax(person_id, ts)) AS person FROM ${db.database}.identities
       WHERE site_id = {site:String} AND visitor_id IN {visitors:Array(UUID)} GROUP BY visitor_id`,
      { site: siteId, visitors: byVisitor },
    );
    for (const r of rows) current.set(r.visitor, r.person);
  }
  return conversions.map((c) => {
    const key = personKey(c.email, c.user_id);
    if (key) return personId(siteId, key);
    // A visitor nobody identified yet: the person is keyed by that visitor.
    return current.get(c.visitor_id!) ?? personId(siteId, { userId: `visitor:${c.visitor_id}` });
  });
}

async function existingRecords(db: Db, siteId: string, recordIds: string[]): Promise<Set<string>> {
  if (recordIds.length === 0) return new Set();
  const rows = await db.query<{ record_id: string }>(
    `SELECT DISTINCT record_id FROM ${db.database}.stages WHERE site_id = {site:String} AND source = 'crm' AND record_id IN {ids:Array(String)}`,
    { site: siteId, ids: recordIds },
  );
  return new Set(rows.map((r) => r.record_id));
}

async function personsSeenOnWeb(db: Db, siteId: string, persons: string[]): Promise<Set<string>> {
  if (persons.length === 0) return new Set();
  const rows = await db.query<{ person: string }>(
    `SELECT DISTINCT toString(person_id) AS person FROM ${db.database}.identities
     WHERE site_id = {site:String} AND person_id IN {persons:Array(UUID)} AND via != 'crm'`,
    { site: siteId, persons },
  );
  return new Set(rows.map((r) => r.person));
}

/** What `POST /v1/conversions` and `closeloop import` report: counts of the outcomes, and each outcome. */
export interface ConversionsResult {
  received: number;
  created: number;
  updated: number;
  unmatched: number;
  results: ConversionOutcome[];
}

export function summarize(results: ConversionOutcome[]): ConversionsResult {
  return {
    received: results.length,
    created: results.filter((r) => r.result === 'created').length,
    updated: results.filter((r) => r.result === 'updated').length,
    unmatched: results.filter((r) => !r.matched).length,
    results,
  };
}
