/** `GET|POST /v1/admin/sites` (admin token): list sites, add a site by domain (returns its public key). */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseOrThrow } from '../validation.js';

export const AddSiteBody = z.object({
  domain: z.string().min(1).max(253),
  name: z.string().min(1).max(200).optional(),
});

const adminSitesRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.requireAdmin);
  app.get('/v1/admin/sites', async () => {
    await app.sites.load();
    return { sites: app.sites.list() };
  });
  app.post('/v1/admin/sites', async (req, reply) => {
    const body = parseOrThrow(AddSiteBody, req.body);
    const site = await app.sites.add(body);
    return reply.code(201).send(site);
  });
};

export default adminSitesRoutes;
