/**
 * `POST|GET /v1/admin/tokens`, `DELETE /v1/admin/tokens/:id`: analyst tokens (`at_…`, admin token
 * only) and share tokens (`sh_…`, one site's reports: admin token for any site, or a site's secret
 * key for its own). The token is answered once, at creation; lists never hold it.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ClError } from '../base/errors.js';
import { CREDENTIAL_NAME } from '../sites/credentials.js';
import { TOKEN_KINDS } from '../storage/api-tokens.js';
import { parseOrThrow } from '../base/validation.js';
import { siteOfRequest } from '../sites/authorize.js';

export const AddTokenBody = z.object({
  kind: z.enum(TOKEN_KINDS, { message: `must be one of ${TOKEN_KINDS.join(', ')}` }),
  name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters'),
  site: z.string().max(253).optional(),
});
export const TokenListQuery = z.object({ site: z.string().max(253).optional() });
export const TokenParams = z.object({ id: z.string().min(1).max(64) });

const adminTokensRoutes: FastifyPluginAsync = async (app) => {
  /** The site a site key may manage share tokens of; undefined for the admin token; 403 for others. */
  const siteKeyScope = async (req: FastifyRequest): Promise<string | undefined> => {
    const who = await app.principal(req);
    if (!who)
      throw new ClError(
        'CL_UNAUTHORIZED',
        "Tokens are managed with the admin token, or a site's secret key for its share tokens (Authorization: Bearer <token>).",
      );
    if (who.kind === 'admin') return undefined;
    if (who.kind === 'site') return who.siteId;
    throw new ClError(
      'CL_FORBIDDEN',
      `${CREDENTIAL_NAME[who.kind]} may not manage tokens: use the admin token, or a site's secret key for its share tokens.`,
    );
  };

  app.post('/v1/admin/tokens', async (req, reply) => {
    const own = await siteKeyScope(req);
    const body = parseOrThrow(AddTokenBody, req.body);
    if (body.kind === 'analyst') {
      if (own !== undefined)
        throw new ClError('CL_FORBIDDEN', 'Analyst tokens read every site: only the admin token may create them.');
      if (body.site !== undefined)
        throw new ClError(
          'CL_INVALID_REQUEST',
          'An analyst token reads every site: leave out site (a share token is bound to one).',
          { path: 'site' },
        );
      return reply.code(201).send(await app.tokens.create({ kind: 'analyst', name: body.name }));
    }
    // The site key's own site, or for the admin token the named (existing) site.
    const site = await siteOfRequest(app, req, body.site, 'write');
    return reply.code(201).send(await app.tokens.create({ kind: 'share', name: body.name, site }));
  });

  app.get('/v1/admin/tokens', async (req) => {
    const own = await siteKeyScope(req);
    const q = parseOrThrow(TokenListQuery, req.query);
    if (own !== undefined && q.site !== undefined && q.site !== own)
      throw new ClError('CL_FORBIDDEN', `This secret key belongs to site '${own}', not '${q.site.slice(0, 100)}'.`);
    return { tokens: await app.tokens.list(own ?? q.site) };
  });

  app.delete('/v1/admin/tokens/:id', async (req) => {
    const own = await siteKeyScope(req);
    const { id } = parseOrThrow(TokenParams, req.params);
    const token = await app.tokens.get(id);
    // A site key sees only its own share tokens: another's is as unknown to it as a made-up id.
    if (!token || (own !== undefined && token.site !== own))
      throw new ClError('CL_NOT_FOUND', `No live token has the id '${id}'.`);
    await app.tokens.revoke(id);
    return { id, revoked: true };
  });
};

export default adminTokensRoutes;
