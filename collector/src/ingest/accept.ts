/**
 * From a validated, authorized batch to what goes into the spool: one `events` row per event, or
 * — if enriching an event fails (a bug; it should never happen) — a `dead_letters` row with the
 * reason and the event, so nothing acknowledged is silently dropped.
 *
 * The spool stores the enriched rows (not the raw request): replay needs no request context,
 * and what is spooled is exactly what is inserted.
 */
import type { FastifyRequest } from 'fastify';
import { deadLetter, type DeadLetterRow } from '../storage/dead-letters.js';
import type { EventRow } from '../storage/events.js';
import type { Site } from '../storage/sites.js';
import type { ValidEventBatch } from './schema.js';
import { clockOffset, toEventRow, type BatchContext } from './to-row.js';
import { parseUserAgent } from './user-agent.js';

export function enrichBatch(batch: ValidEventBatch, req: FastifyRequest, site: Site): { rows: EventRow[]; dead: DeadLetterRow[] } {
  const receivedAt = Date.now();
  const ctx: BatchContext = {
    siteId: site.site_id,
    siteDomains: site.domains,
    retentionDays: site.retention_days ?? 0,
    receivedAt,
    clockOffset: clockOffset(receivedAt, batch.sent_at),
    userAgent: parseUserAgent(req.headers['user-agent'] ?? ''),
    sdkVersion: batch.sdk ?? '',
  };
  const rows: EventRow[] = [];
  const dead: DeadLetterRow[] = [];
  for (const e of batch.events) {
    try {
      rows.push(wellFormed(toEventRow(e, ctx)));
    } catch (err) {
      req.log.error({ err, event_id: e.id }, 'enrichment failed; event kept in dead_letters');
      dead.push(deadLetter('enrich', site.site_id, err instanceof Error ? err.message : String(err), JSON.stringify(e), receivedAt));
    }
  }
  return { rows, dead };
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const fix = (s: string) => s.replace(LONE_SURROGATE, '\ufffd');

/** Lone UTF-16 surrogates (valid in a JS string and in JSON, not in UTF-8) become U+FFFD, as ClickHouse refuses them. */
export function wellFormed(row: EventRow): EventRow {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === 'string') out[k] = fix(v);
    else if (v && typeof v === 'object') out[k] = Object.fromEntries(Object.entries(v as Record<string, string>).map(([pk, pv]) => [fix(pk), fix(pv)]));
    else out[k] = v;
  }
  return out as unknown as EventRow;
}
