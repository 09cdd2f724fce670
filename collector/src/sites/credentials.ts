/**
 * Who a caller is (docs/security.md has the table of scopes): the admin token, a site's secret key,
 * an analyst token, a share token. plugins/auth.ts finds the principal of a request; authorize.ts
 * decides what it may do.
 */
import type { FastifyRequest } from 'fastify';

export type Principal =
  | { kind: 'admin' }
  | { kind: 'site'; siteId: string }
  | { kind: 'analyst'; tokenId: string }
  | { kind: 'share'; siteId: string; tokenId: string };

/** How a credential is named in messages. */
export const CREDENTIAL_NAME: Record<Principal['kind'], string> = {
  admin: 'the admin token',
  site: "a site's secret key",
  analyst: 'an analyst token',
  share: 'a share token',
};

export function bearerToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}
