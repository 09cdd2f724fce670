/**
 * `POST /v1/events`: the SDK's batches, in wire format 3 (positional, read as the v2 object it stands
 * for: contract/wire.ts), 2 (`v: 2`, ingest/schema-v2.ts, decoded into
 * v1 events with their sessions' touches by ingest/wire-v2.ts) or 1. Validate the whole batch (all or nothing), check the
 * site, key and Origin (sites/authorize.ts), enrich every event into a row (ingest/accept.ts), and
 * answer 202 once the rows are durable in the spool (fsync'd on disk); the spool writer moves
 * them into ClickHouse (plugins/spool.ts). Rate-limited per client IP and site key, and per site
 * (ingest/site-rate.ts); each site has its share of the spool (spool/spool.ts). CORS answers
 * only the site's own origins (sites/cors.ts). Served first-party, the answer also keeps the
 * visitor id in an HttpOnly cookie, and a batch whose new visitor id differs from the id that
 * cookie holds is stored under the cookie's id (ingest/visitor-cookie.ts).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { EventBatchAccepted } from '../../../sdk/src/protocol.js';
import type { Config } from '../base/config.js';
import { rateLimitedError } from '../base/errors.js';
import { enrichBatch } from '../ingest/accept.js';
import { BotSessions } from '../ingest/bot-sessions.js';
import { corsHeaders, rememberSite } from '../sites/cors.js';
import { authorizeBatch, siteKeyOf } from '../sites/authorize.js';
import { SiteRate } from '../ingest/site-rate.js';
import { CapturedFields } from '../ingest/url-scrub.js';
import { fromV3 } from '../../../contract/wire.js';
import { EventBatchSchema } from '../ingest/schema.js';
import { fastEventBatch } from '../ingest/schema-fast.js';
import { EventBatchV2Schema, isV2 } from '../ingest/schema-v2.js';
import { sessionTouches } from '../ingest/session-touches.js';
import { decodeV2 } from '../ingest/wire-v2.js';
import { NIL_UUID } from '../storage/identities.js';
import { parseOrThrow } from '../base/validation.js';
import { visitorCookie } from '../ingest/visitor-cookie.js';

const eventsRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const bots = new BotSessions();
  // Browsers send text/plain to avoid a CORS preflight; parse it as JSON like application/json.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  // The site's own origins may read the answer (with the visitor cookie); no other origin (sites/cors.ts).
  app.addHook('onSend', async (req, reply, payload) => {
    await corsHeaders(app, req, reply, config);
    return payload;
  });
  app.options('/v1/events', async (_req, reply) => reply.code(204).send());
  // Wire format 3 is format 2 by position: read as the v2 object it stands for, before the rate limit
  // (which keys on the site) and validation see the body.
  app.addHook('preValidation', async (req) => {
    req.body = fromV3(req.body);
  });

  const rateLimit =
    config.rateLimitPerMinute > 0
      ? {
          max: config.rateLimitPerMinute,
          timeWindow: 60_000,
          hook: 'preHandler' as const,
          keyGenerator: (req: FastifyRequest) => `${req.ip}|${siteKeyOf(req)}`,
          errorResponseBuilder: rateLimitedError,
        }
      : false;

  const touches = sessionTouches(app.db, app.log);
  const siteRate = new SiteRate(config.siteRateLimitPerMinute);
  const capturedFields = new CapturedFields();

  /** The batch's site, once its key, Origin and the site's request budget allow it; CORS then follows its origins. */
  const authorize = async (req: FastifyRequest, key: string) => {
    const site = await authorizeBatch(app, req, key, config);
    rememberSite(req, site);
    siteRate.take(site.site_id);
    return site;
  };

  app.post('/v1/events', { config: { rateLimit } }, async (req, reply) => {
    let batch;
    let site;
    if (isV2(req.body)) {
      const v2 = parseOrThrow(EventBatchV2Schema, req.body, 'CL_INVALID_EVENT');
      site = await authorize(req, v2.k);
      batch = await decodeV2(v2, site.site_id, touches);
    } else {
      // The common batch is checked by a plain function equal to the zod schema; anything else, and every refusal, by zod.
      batch = fastEventBatch(req.body) ?? parseOrThrow(EventBatchSchema, req.body, 'CL_INVALID_EVENT');
      site = await authorize(req, batch.site);
      // A v1 event carries its session's touch: v2 events of the same session (an upgraded SDK) find it.
      for (const e of batch.events)
        if (e.session_id !== NIL_UUID) touches.remember(site.site_id, e.session_id, e.touch);
    }
    // Before enrichment, so that rows, touches and identities all name the visitor the cookie knows.
    const cookie = visitorCookie(req, site, batch.events);
    const { rows, dead } = enrichBatch({ ...batch, events: cookie.events }, req, site, bots, capturedFields);
    await Promise.all([app.spool.append('events', rows), app.spool.append('dead_letters', dead)]);
    app.metrics.eventsAccepted.inc({ site: site.site_id }, batch.events.length);
    const body: EventBatchAccepted = { accepted: batch.events.length };
    if (cookie.setCookie) reply.header('set-cookie', cookie.setCookie);
    if (cookie.visitorId) body.visitor_id = cookie.visitorId;
    return reply.code(202).send(body);
  });
};

export default eventsRoutes;
