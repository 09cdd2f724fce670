/**
 * From a validated, authorized batch to what goes into the spool: one `events` row per event, or
 * — if enriching an event fails (a bug; it should never happen) — a `dead_letters` row with the
 * reason and the event, so nothing acknowledged is silently dropped.
 *
 * The spool stores the enriched rows (not the raw request): replay needs no request context,
 * and what is spooled is exactly what is inserted (as UTF-8 ClickHouse accepts: spool/json-lines.ts).
 */
import type { FastifyRequest } from 'fastify';
import { deadLetter, type DeadLetterRow } from '../storage/dead-letters.js';
import type { EventRow } from '../storage/events.js';
import type { Site } from '../storage/sites.js';
import type { ValidEventBatch } from './schema.js';
import { clockOffset, toEventRow, type BatchContext } from './to-row.js';
import type { CapturedFields } from './url-scrub.js';
import { parseUserAgent } from './user-agent.js';

export function enrichBatch(batch: ValidEventBatch, req: FastifyRequest, site: Site, fields: CapturedFields): { rows: EventRow[]; dead: DeadLetterRow[] } {
  const receivedAt = Date.now();
  const ctx: BatchContext = {
    siteId: site.site_id,
    siteDomains: site.domains,
    retentionDays: site.retention_days ?? 0,
    receivedAt,
    clockOffset: clockOffset(receivedAt, batch.sent_at),
    userAgent: parseUserAgent(req.headers['user-agent'] ?? ''),
    sdkVersion: batch.sdk ?? '',
    formFields: fields.learn(site.site_id, batch.events),
  };
  const rows: EventRow[] = [];
  const dead: DeadLetterRow[] = [];
  for (const e of batch.events) {
    try {
      rows.push(toEventRow(e, ctx));
    } catch (err) {
      req.log.error({ err, event_id: e.id }, 'enrichment failed; event kept in dead_letters');
      dead.push(deadLetter('enrich', site.site_id, err instanceof Error ? err.message : String(err), JSON.stringify(e), receivedAt));
    }
  }
  return { rows, dead };
}
