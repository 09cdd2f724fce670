/**
 * What a caller may do with a site, in one place:
 *
 * Event batches (`authorizeBatch`): the batch's public key names the site; a browser's `Origin` must
 * be one of the site's domains (or a subdomain; `localhost`/`127.0.0.1` too in demo mode); a request
 * with `Authorization` must carry the admin token or the secret key of that same site, and then needs
 * no Origin check (server-side sending). Requests without Origin (servers, curl) pass on the public
 * key alone: the Origin check keeps other web sites' pages out, it is not a secret.
 *
 * Server APIs (`siteOfRequest`): which site a call is about, and whether the caller may make it:
 * - a site's secret key names its own site (asking for another is CL_FORBIDDEN), for any access;
 * - the admin token may act for any site but must say which;
 * - an analyst token, like the admin token, for `report` and `leads` access only (read-only);
 * - a share token names its one site, for `report` access only (no leads: they hold emails).
 * The public script key is not a credential for server APIs.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isV2 } from '../../../contract/wire.js';
import type { Config } from '../base/config.js';
import { ClError } from '../base/errors.js';
import type { Site } from '../storage/sites.js';
import { CREDENTIAL_NAME } from './credentials.js';
import { DEV_HOSTS, originAllowed } from './origin.js';

/** The batch's public key (`k` in wire format 2, `site` in 1), if the body parsed far enough to name one. */
export const siteKeyOf = (req: FastifyRequest): string => {
  const body = req.body as { site?: unknown; k?: unknown } | null | undefined;
  const key = isV2(body) ? body?.k : body?.site;
  return typeof key === 'string' ? key.slice(0, 128) : '';
};

export function authorizeBatch(
  app: FastifyInstance,
  req: FastifyRequest,
  publicKey: string,
  config: Config,
): Site | Promise<Site> {
  // The common case, without a promise: no credential, and a key the site cache knows (and is fresh).
  if (req.headers.authorization === undefined) {
    const known = app.sites.freshByPublicKey(publicKey);
    if (known) return originChecked(req, known, config);
  }
  return authorizeBatchAsync(app, req, publicKey, config);
}

async function authorizeBatchAsync(
  app: FastifyInstance,
  req: FastifyRequest,
  publicKey: string,
  config: Config,
): Promise<Site> {
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
  return originChecked(req, site, config);
}

/** The site, when the request has no Origin or one of the site's own (CL_ORIGIN_NOT_ALLOWED otherwise). */
function originChecked(req: FastifyRequest, site: Site, config: Config): Site {
  const origin = req.headers.origin;
  if (
    config.originCheck &&
    origin !== undefined &&
    !originAllowed(origin, site.domains, config.demo ? DEV_HOSTS : [])
  ) {
    throw new ClError(
      'CL_ORIGIN_NOT_ALLOWED',
      `Origin '${origin.slice(0, 200)}' is not a domain of site '${site.site_id}'.`,
    );
  }
  return site;
}

/** `write`: changes data or exports it (conversions, costs, privacy); `report`: GET attribution and reports; `leads`: GET lead timelines. */
export type Access = 'write' | 'report' | 'leads';

const READS: Record<'analyst' | 'share', readonly Access[]> = { analyst: ['report', 'leads'], share: ['report'] };

export async function siteOfRequest(
  app: FastifyInstance,
  req: FastifyRequest,
  requested: string | undefined,
  access: Access = 'write',
): Promise<string> {
  const who = await app.principal(req);
  if (!who)
    throw new ClError(
      'CL_UNAUTHORIZED',
      'A site secret key (sk_…) or the admin token is required (Authorization: Bearer <key>).',
    );
  if ((who.kind === 'analyst' || who.kind === 'share') && !READS[who.kind].includes(access)) {
    throw new ClError(
      'CL_FORBIDDEN',
      `${CREDENTIAL_NAME[who.kind]} is read-only: it may not call ${req.method} ${req.url.split('?')[0]} (${who.kind === 'share' ? "one site's attribution and reports only" : '/v1/query and the GET reports and leads only'}).`,
    );
  }
  if (who.kind === 'site' || who.kind === 'share') {
    if (requested !== undefined && requested !== who.siteId) {
      throw new ClError(
        'CL_FORBIDDEN',
        `This ${who.kind === 'site' ? 'secret key' : 'share token'} belongs to site '${who.siteId}', not '${requested.slice(0, 100)}'.`,
      );
    }
    return who.siteId;
  }
  if (!requested)
    throw new ClError(
      'CL_INVALID_REQUEST',
      `With ${CREDENTIAL_NAME[who.kind]}, say which site: 'site' (the site id, e.g. shop.example.com).`,
      { path: 'site' },
    );
  await app.sites.load().catch(() => undefined);
  if (!app.sites.list().some((s) => s.site_id === requested))
    throw new ClError('CL_UNKNOWN_SITE', `No site has the id '${requested.slice(0, 100)}'.`, { path: 'site' });
  return requested;
}
