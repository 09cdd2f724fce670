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

async function allowedOrigin(
  app: FastifyInstance,
  req: FastifyRequest,
  origin: string,
  config: Config,
): Promise<boolean> {
  const extra = config.demo ? DEV_HOSTS : [];
  let site = siteOfRequest.get(req);
  if (!site && req.method === 'POST') {
    const key = siteKeyOf(req);
    if (key) site = await app.sites.byPublicKey(key).catch(() => undefined);
  }
  if (site) return originAllowed(origin, site.domains, extra);
  return app.sites.list().some((s) => originAllowed(origin, s.domains, extra)) || originAllowed(origin, [], extra);
}

/** onSend hook: CORS headers for the site's own origins only. */
export async function corsHeaders(
  app: FastifyInstance,
  req: FastifyRequest,
  reply: FastifyReply,
  config: Config,
): Promise<void> {
  const origin = req.headers.origin;
  if (!origin) return;
  reply.header('vary', 'Origin');
  if (!(await allowedOrigin(app, req, origin, config))) return;
  reply.header('access-control-allow-origin', origin);
  reply.header('access-control-allow-credentials', 'true');
  if (req.method === 'OPTIONS') {
    reply.header('access-control-allow-methods', 'POST, OPTIONS');
    reply.header('access-control-allow-headers', 'content-type');
    reply.header('access-control-max-age', '86400');
  }
}
