/**
 * CORS for `POST /v1/events`: the answer is readable (and may carry credentials, the collector's
 * own visitor cookie) only by the batch's site's own origins — its domains and their subdomains,
 * plus `localhost`/`127.0.0.1` in demo mode. Every other origin gets no CORS headers at all, on
 * success, on errors (403 included) and on preflights: its page cannot read the answer (which may
 * name the visitor id the cookie holds), and nothing is ever answered with credentials to it.
 *
 * When the batch's site is not known (the body did not parse, the key is unknown, a preflight has
 * no body), the origin must belong to some registered site.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../base/config.js';
import type { Site } from '../storage/sites.js';
import { siteKeyOf } from './authorize.js';
import { DEV_HOSTS, originAllowed } from './origin.js';

const siteOfRequest = new WeakMap<FastifyRequest, Site>();

/** The handler found the batch's site: CORS then follows that site's origins. */
export function rememberSite(req: FastifyRequest, site: Site): void {
  siteOfRequest.set(req, site);
}

/** Whether `origin` may read the answer; without a promise when the handler found the batch's site (the common case). */
function allowedOrigin(
  app: FastifyInstance,
  req: FastifyRequest,
  origin: string,
  config: Config,
): boolean | Promise<boolean> {
  const extra = config.demo ? DEV_HOSTS : [];
  const site = siteOfRequest.get(req);
  if (site) return originAllowed(origin, site.domains, extra);
  const key = req.method === 'POST' ? siteKeyOf(req) : '';
  if (key) {
    return app.sites.byPublicKey(key).then(
      (found) => (found ? originAllowed(origin, found.domains, extra) : anySite(app, origin, extra)),
      () => anySite(app, origin, extra),
    );
  }
  return anySite(app, origin, extra);
}

/** When the batch's site is not known: the origin must belong to some registered site. */
const anySite = (app: FastifyInstance, origin: string, extra: readonly string[]) =>
  app.sites.list().some((s) => originAllowed(origin, s.domains, extra)) || originAllowed(origin, [], extra);

/** onSend hook: CORS headers for the site's own origins only; a promise only when the site had to be looked up. */
export function corsHeaders(
  app: FastifyInstance,
  req: FastifyRequest,
  reply: FastifyReply,
  config: Config,
): void | Promise<void> {
  const origin = req.headers.origin;
  if (!origin) return;
  reply.header('vary', 'Origin');
  const allowed = allowedOrigin(app, req, origin, config);
  if (allowed instanceof Promise) return allowed.then((ok) => allow(req, reply, origin, ok));
  allow(req, reply, origin, allowed);
}

function allow(req: FastifyRequest, reply: FastifyReply, origin: string, ok: boolean): void {
  if (!ok) return;
  reply.header('access-control-allow-origin', origin);
  reply.header('access-control-allow-credentials', 'true');
  if (req.method === 'OPTIONS') {
    reply.header('access-control-allow-methods', 'POST, OPTIONS');
    reply.header('access-control-allow-headers', 'content-type');
    reply.header('access-control-max-age', '86400');
  }
}
