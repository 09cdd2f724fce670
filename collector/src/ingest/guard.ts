/**
 * Who may write a batch: the batch's public key names the site; a browser's `Origin` must be one
 * of the site's domains (or a subdomain; `localhost`/`127.0.0.1` too in demo mode); a request with
 * `Authorization` must carry the admin token or the secret key of that same site, and then needs
 * no Origin check (server-side sending). Requests without Origin (servers, curl) pass on the
 * public key alone: the Origin check keeps other web sites' pages out, it is not a secret.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { ClError } from '../errors.js';
import { originAllowed } from '../plugins/sites.js';
import type { Site } from '../storage/sites.js';

const DEV_HOSTS = ['localhost', '127.0.0.1', '::1'];

export async function authorizeBatch(app: FastifyInstance, req: FastifyRequest, publicKey: string, config: Config): Promise<Site> {
  const principal = await app.principal(req);
  const site = await app.sites.byPublicKey(publicKey);
  if (!site) throw new ClError('CL_UNKNOWN_SITE', `No site has the key '${publicKey.slice(0, 64)}'.`, { path: 'site' });
  if (principal) {
    if (principal.kind === 'analyst' || principal.kind === 'share') {
      throw new ClError('CL_FORBIDDEN', `This ${principal.kind} token is read-only: it cannot send events.`);
    }
    if (principal.kind === 'site' && principal.siteId !== site.site_id) {
      throw new ClError('CL_FORBIDDEN', `This secret key belongs to another site than '${site.site_id}'.`);
    }
    return site;
  }
  const origin = req.headers.origin;
  if (config.originCheck && origin !== undefined && !originAllowed(origin, site.domains, config.demo ? DEV_HOSTS : [])) {
    throw new ClError('CL_ORIGIN_NOT_ALLOWED', `Origin '${origin.slice(0, 200)}' is not a domain of site '${site.site_id}'.`);
  }
  return site;
}
