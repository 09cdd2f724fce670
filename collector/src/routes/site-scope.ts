/**
 * Which site a server-API call is about, and whether the caller may make it:
 * - a site's secret key names its own site (asking for another is CL_FORBIDDEN), for any access;
 * - the admin token may act for any site but must say which;
 * - an analyst token, like the admin token, for `report` and `leads` access only (read-only);
 * - a share token names its one site, for `report` access only (no leads: they hold emails).
 * The public script key is not a credential for server APIs.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ClError } from '../errors.js';
import { CREDENTIAL_NAME } from '../plugins/auth.js';

/** `write`: changes data or exports it (conversions, costs, privacy); `report`: GET attribution and reports; `leads`: GET lead timelines. */
export type Access = 'write' | 'report' | 'leads';

const READS: Record<'analyst' | 'share', readonly Access[]> = { analyst: ['report', 'leads'], share: ['report'] };

export async function siteOfRequest(app: FastifyInstance, req: FastifyRequest, requested: string | undefined, access: Access = 'write'): Promise<string> {
  const who = await app.principal(req);
  if (!who) throw new ClError('CL_UNAUTHORIZED', 'A site secret key (sk_…) or the admin token is required (Authorization: Bearer <key>).');
  if ((who.kind === 'analyst' || who.kind === 'share') && !READS[who.kind].includes(access)) {
    throw new ClError('CL_FORBIDDEN', `${CREDENTIAL_NAME[who.kind]} is read-only: it may not call ${req.method} ${req.url.split('?')[0]} (${who.kind === 'share' ? "one site's attribution and reports only" : '/v1/query and the GET reports and leads only'}).`);
  }
  if (who.kind === 'site' || who.kind === 'share') {
    if (requested !== undefined && requested !== who.siteId) {
      throw new ClError('CL_FORBIDDEN', `This ${who.kind === 'site' ? 'secret key' : 'share token'} belongs to site '${who.siteId}', not '${requested.slice(0, 100)}'.`);
    }
    return who.siteId;
  }
  if (!requested) throw new ClError('CL_INVALID_REQUEST', `With ${CREDENTIAL_NAME[who.kind]}, say which site: 'site' (the site id, e.g. shop.example.com).`, { path: 'site' });
  await app.sites.load().catch(() => undefined);
  if (!app.sites.list().some((s) => s.site_id === requested)) throw new ClError('CL_UNKNOWN_SITE', `No site has the id '${requested.slice(0, 100)}'.`, { path: 'site' });
  return requested;
}
