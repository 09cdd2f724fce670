/**
 * Infrastructure plugin: who is calling. Five kinds of credentials, each with its scope
 * (docs/security.md has the table):
 * - the admin token (`Authorization: Bearer <token>`): everything (`app.requireAdmin`);
 * - a site's secret key (`sk_…`, stored as a SHA-256 hash): server APIs of that one site;
 * - an analyst token (`at_…`): `/v1/query` and every GET report (attribution, reports, leads) of
 *   any site — nothing that writes, no admin, no privacy;
 * - a share token (`sh_…`): one site's GET reports (attribution, reports), not leads or SQL;
 * - a site's public key (`pk_…`, in the event batch): only writes events for its site — it is
 *   not a credential here and is refused as a bearer token.
 * A credential nobody knows is `401 CL_UNAUTHORIZED`; a known one used beyond its scope is
 * `403 CL_FORBIDDEN`. Comparisons are of SHA-256 digests (in constant time for the admin token).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ClError } from '../base/errors.js';
import { bearerToken, CREDENTIAL_NAME, type Principal } from '../sites/credentials.js';
import { sha256 } from '../sites/secret.js';

export type { Principal };

declare module 'fastify' {
  interface FastifyInstance {
    /** Admin token only: 401 without a valid credential, 403 with another valid one. */
    requireAdmin: (req: FastifyRequest) => Promise<void>;
    /** Admin or analyst token (`/v1/query`). */
    requireAnalyst: (req: FastifyRequest) => Promise<void>;
    /** The caller's credential, undefined without one; throws CL_UNAUTHORIZED for a wrong one. */
    principal: (req: FastifyRequest) => Promise<Principal | undefined>;
  }
}

export default fp<{ adminToken: string | undefined }>(
  async (app, { adminToken }) => {
    const expected = adminToken ? sha256(adminToken) : undefined;
    const isAdmin = (token: string) => expected !== undefined && timingSafeEqual(sha256(token), expected);
    const principal = async (req: FastifyRequest): Promise<Principal | undefined> => {
      if (req.headers.authorization === undefined) return undefined;
      const token = bearerToken(req);
      if (token && isAdmin(token)) return { kind: 'admin' };
      const site = token ? await app.sites.bySecretKey(token) : undefined;
      if (site) return { kind: 'site', siteId: site.site_id };
      const issued = token ? await app.tokens.find(token) : undefined;
      if (issued?.kind === 'analyst') return { kind: 'analyst', tokenId: issued.id };
      if (issued?.kind === 'share') return { kind: 'share', siteId: issued.site_id, tokenId: issued.id };
      throw new ClError(
        'CL_UNAUTHORIZED',
        'A valid admin token, site secret key, analyst or share token is required (Authorization: Bearer <token>).',
      );
    };
    const require = (allowed: Principal['kind'][], what: string) => async (req: FastifyRequest) => {
      const who = await principal(req);
      if (!who)
        throw new ClError(
          'CL_UNAUTHORIZED',
          `${what} needs ${allowed.map((k) => CREDENTIAL_NAME[k]).join(' or ')} (Authorization: Bearer <token>).`,
        );
      if (!allowed.includes(who.kind))
        throw new ClError(
          'CL_FORBIDDEN',
          `${what} needs ${allowed.map((k) => CREDENTIAL_NAME[k]).join(' or ')}; ${CREDENTIAL_NAME[who.kind]} may not call it.`,
        );
    };
    app.decorate('principal', principal);
    app.decorate('requireAdmin', require(['admin'], 'This admin API'));
    app.decorate('requireAnalyst', require(['admin', 'analyst'], 'SQL (/v1/query)'));
  },
  { name: 'auth', dependencies: ['sites', 'tokens'] },
);
