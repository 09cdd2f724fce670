/**
 * `POST /v1/events`: the SDK's batches. Validate the whole batch (all or nothing), look up the
 * site, enrich every event into a row, and answer 202 once ClickHouse has confirmed the insert
 * that holds the rows (group commit, see ingest/batch-writer.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { EventBatchAccepted } from '../../../sdk/src/protocol.js';
import { ClError } from '../errors.js';
import { EventBatchSchema } from '../ingest/schema.js';
import { clockOffset, toEventRow, type BatchContext } from '../ingest/to-row.js';
import { parseUserAgent } from '../ingest/user-agent.js';
import { parseOrThrow } from '../validation.js';

const eventsRoutes: FastifyPluginAsync = async (app) => {
  // Browsers send text/plain to avoid a CORS preflight; parse it as JSON like application/json.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  // Sites embed the script on their own origin: reflect it so fetch() fallbacks can read the answer.
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (origin) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
      reply.header('vary', 'Origin');
    }
  });
  app.options('/v1/events', async (_req, reply) => {
    reply.header('access-control-allow-methods', 'POST, OPTIONS');
    reply.header('access-control-allow-headers', 'content-type');
    reply.header('access-control-max-age', '86400');
    return reply.code(204).send();
  });

  app.post('/v1/events', async (req, reply) => {
    const batch = parseOrThrow(EventBatchSchema, req.body, 'CL_INVALID_EVENT');
    const site = await app.sites.byPublicKey(batch.site);
    if (!site) throw new ClError('CL_UNKNOWN_SITE', `No site has the key '${batch.site.slice(0, 64)}'.`, { path: 'site' });
    const receivedAt = Date.now();
    const ctx: BatchContext = {
      siteId: site.site_id,
      siteDomains: site.domains,
      receivedAt,
      clockOffset: clockOffset(receivedAt, batch.sent_at),
      userAgent: parseUserAgent(req.headers['user-agent'] ?? ''),
      sdkVersion: batch.sdk ?? '',
    };
    const rows = batch.events.map((e) => toEventRow(e, ctx));
    try {
      await app.eventWriter.write(rows);
    } catch (err) {
      req.log.error({ err }, 'events not stored');
      throw new ClError('CL_STORAGE_UNAVAILABLE', undefined, { headers: { 'retry-after': '5' }, cause: err });
    }
    const body: EventBatchAccepted = { accepted: rows.length };
    return reply.code(202).send(body);
  });
};

export default eventsRoutes;
