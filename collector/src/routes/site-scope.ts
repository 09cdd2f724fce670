/**
 * Which site a server-API call is about: a site's secret key names its own site (asking for another
 * is CL_FORBIDDEN); the admin token may act for any site but must say which. The public script
 * key is not a credential for server APIs.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ClError } from '../errors.js';

export async function siteOfRequest(app: FastifyInstance, req: FastifyRequest, requested: string | undefined): Promise<string> {
  const who = await app.principal(req);
  if (!who) throw new ClError('CL_UNAUTHORIZED', 'A site secret key (sk_…) or the admin token is required (Authorization: Bearer <key>).');
  if (who.kind === 'site') {
    if (requested !== undefined && requested !== who.siteId) {
      throw new ClError('CL_FORBIDDEN', `This secret key belongs to site '${who.siteId}', not '${requested}'.`);
    }
    return who.siteId;
  }
  if (!requested) throw new ClError('CL_INVALID_REQUEST', "With the admin token, say which site: 'site' (the site id, e.g. shop.example.com).", { path: 'site' });
  await app.sites.load().catch(() => undefined);
  if (!app.sites.list().some((s) => s.site_id === requested)) throw new ClError('CL_UNKNOWN_SITE', `No site has the id '${requested.slice(0, 100)}'.`, { path: 'site' });
  return requested;
}
