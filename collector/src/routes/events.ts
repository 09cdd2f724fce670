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
import { EventBatchSchema, type ValidEventBatch } from '../ingest/schema.js';
import { fastEventBatch } from '../ingest/schema-fast.js';
import { EventBatchV2Schema, isV2 } from '../ingest/schema-v2.js';
import { sessionTouches } from '../ingest/session-touches.js';
import { decodeV2 } from '../ingest/wire-v2.js';
import { NIL_UUID } from '../storage/identities.js';
import type { Site } from '../storage/sites.js';
import { parseOrThrow } from '../base/validation.js';
import { visitorCookie } from '../ingest/visitor-cookie.js';

const eventsRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const bots = new BotSessions();
  // Browsers send text/plain to avoid a CORS preflight; parse it as JSON like application/json. Wire
  // format 3 is format 2 by position: the parser hands on the v2 object it stands for, so the rate
  // limit (which keys on the site), CORS and validation see that (no hook of its own per request).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  for (const type of ['text/plain', 'application/json'])
    app.addContentTypeParser(type, { parseAs: 'string' }, (req, text, done) =>
      parseJson(req, text as string, (err, body) => (err ? done(err) : done(null, fromV3(body)))),
    );

  // The site's own origins may read the answer (with the visitor cookie); no other origin (sites/cors.ts).
  // A plain callback hook: most requests (servers, same-origin pages) have no Origin and cost nothing here.
  app.addHook('onSend', (req, reply, payload, done) => {
    if (req.headers.origin === undefined) return done(null, payload);
    const pending = corsHeaders(app, req, reply, config);
    if (!pending) return done(null, payload);
    pending.then(() => done(null, payload), done);
  });
  app.options('/v1/events', async (_req, reply) => reply.code(204).send());

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
  const admit = (req: FastifyRequest, site: Site) => {
    if (req.headers.origin !== undefined) rememberSite(req, site); // CORS reads it only for a request with an Origin
    siteRate.take(site.site_id);
    return site;
  };
  /** Without a promise when the site cache knows the key (sites/authorize.ts). */
  const authorize = (req: FastifyRequest, key: string): Site | Promise<Site> => {
    const found = authorizeBatch(app, req, key, config);
    return found instanceof Promise ? found.then((site) => admit(req, site)) : admit(req, found);
  };

  /**
   * The batch's rows into the spool: `durable` resolves once they are fsync'd. Synchronous up to
   * there, so that while a request waits for the disk it holds only its answer (the rows, their
   * encoding and the cookie's work are garbage by then: less for the GC to copy per request in flight).
   */
  const spoolBatch = (req: FastifyRequest, site: Site, batch: ValidEventBatch) => {
    // Before enrichment, so that rows, touches and identities all name the visitor the cookie knows.
    const cookie = visitorCookie(req, site, batch.events);
    const { rows, dead } = enrichBatch(
      cookie.events === batch.events ? batch : { ...batch, events: cookie.events },
      req,
      site,
      bots,
      capturedFields,
    );
    const durable: Promise<unknown> = dead.length
      ? Promise.all([app.spool.append('events', rows), app.spool.append('dead_letters', dead)])
      : app.spool.append('events', rows);
    const body: EventBatchAccepted = { accepted: batch.events.length };
    if (cookie.visitorId) body.visitor_id = cookie.visitorId;
    return { durable, body, setCookie: cookie.setCookie };
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
      const admitted = authorize(req, batch.site);
      site = admitted instanceof Promise ? await admitted : admitted;
      // A v1 event carries its session's touch: v2 events of the same session (an upgraded SDK) find it.
      for (const e of batch.events)
        if (e.session_id !== NIL_UUID) touches.remember(site.site_id, e.session_id, e.touch);
    }
    const accepted = spoolBatch(req, site, batch);
    await accepted.durable;
    app.metrics.eventsAccepted(site.site_id, accepted.body.accepted);
    if (accepted.setCookie) reply.header('set-cookie', accepted.setCookie);
    // The body, not `reply.send()`'s reply: a returned reply is a thenable Fastify waits on (a stream listener per request).
    reply.code(202);
    return accepted.body;
  });
};

export default eventsRoutes;
