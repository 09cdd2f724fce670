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
import { TOUCH_COLUMNS, type EventRow } from '../storage/events.js';
import type { Site } from '../storage/sites.js';
import type { BotSessions } from './bot-sessions.js';
import type { ValidEventBatch } from './schema.js';
import { clockOffset, toEventRow, type BatchContext } from './to-row.js';
import type { CapturedFields } from './url-scrub.js';
import { NO_TOUCH, type DecodedEvent } from './wire-v2.js';
import { parseUserAgent } from './user-agent.js';

export function enrichBatch(
  batch: ValidEventBatch,
  req: FastifyRequest,
  site: Site,
  bots: BotSessions,
  fields: CapturedFields,
): { rows: EventRow[]; dead: DeadLetterRow[] } {
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
  // The same request from a session a bot already showed itself in is that bot's (bot-sessions.ts).
  let botCtx: BatchContext | undefined;
  const asBot = () => (botCtx ??= { ...ctx, userAgent: { ...ctx.userAgent, device_type: 'bot', is_bot: true } });
  const rows: EventRow[] = [];
  const dead: DeadLetterRow[] = [];
  for (const e of batch.events) {
    try {
      const row = toEventRow(e, bots.check(e.session_id, ctx.userAgent.is_bot) ? asBot() : ctx);
      rows.push((e as DecodedEvent)[NO_TOUCH] ? withoutTouch(row) : row);
    } catch (err) {
      req.log.error({ err, event_id: e.id }, 'enrichment failed; event kept in dead_letters');
      dead.push(
        deadLetter(
          'enrich',
          site.site_id,
          err instanceof Error ? err.message : String(err),
          JSON.stringify(e),
          receivedAt,
        ),
      );
    }
  }
  return { rows, dead };
}

/**
 * A row whose session's touch was not known (wire format 2: its session's first event had not
 * arrived, see wire-v2.ts): empty touch columns rather than a guessed "Direct"; the session's start
 * time is the event's. Attribution reads the session from its first event (`sessions`), unaffected.
 */
function withoutTouch(row: EventRow): EventRow {
  return {
    ...row,
    session_ts: row.ts,
    ...Object.fromEntries(TOUCH_COLUMNS.map((c) => [c, ''])),
  };
}
