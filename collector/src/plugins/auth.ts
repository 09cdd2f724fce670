/**
 * Infrastructure plugin: who is calling. Three kinds of credentials, each with its scope:
 * - the admin token (`Authorization: Bearer <token>`): everything (`app.requireAdmin`);
 * - a site's secret key (`sk_…`, stored as a SHA-256 hash): server APIs of that one site
 *   (`app.principal(req)` → `{ kind: 'site', siteId }`);
 * - a site's public key (`pk_…`, in the event batch): only writes events for its site — it is
 *   not a credential here and is refused as a bearer token.
 * All comparisons are of SHA-256 digests in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ClError } from '../errors.js';

export type Principal = { kind: 'admin' } | { kind: 'site'; siteId: string };

declare module 'fastify' {
  interface FastifyInstance {
    requireAdmin: (req: FastifyRequest) => Promise<void>;
    /** The caller's credential, undefined without one; throws CL_UNAUTHORIZED for a wrong one. */
    principal: (req: FastifyRequest) => Promise<Principal | undefined>;
  }
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest();

export function bearerToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

export default fp<{ adminToken: string | undefined }>(
  async (app, { adminToken }) => {
    const expected = adminToken ? sha256(adminToken) : undefined;
    const isAdmin = (token: string) => expected !== undefined && timingSafeEqual(sha256(token), expected);
    app.decorate('requireAdmin', async (req: FastifyRequest) => {
      const token = bearerToken(req);
      if (!token || !isAdmin(token)) throw new ClError('CL_UNAUTHORIZED');
    });
    app.decorate('principal', async (req: FastifyRequest): Promise<Principal | undefined> => {
      if (req.headers.authorization === undefined) return undefined;
      const token = bearerToken(req);
      if (token && isAdmin(token)) return { kind: 'admin' };
      const site = token ? await app.sites.bySecretKey(token) : undefined;
      if (site) return { kind: 'site', siteId: site.site_id };
      throw new ClError('CL_UNAUTHORIZED', 'A valid admin token or site secret key is required (Authorization: Bearer <key>).');
    });
  },
  { name: 'auth', dependencies: ['sites'] },
);
