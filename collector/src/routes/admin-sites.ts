/**
 * `GET|POST /v1/admin/sites` (admin token): list sites, add a site by domain (returns its public
 * key and, once, its secret key); `PATCH /v1/admin/sites/:siteId`: change its name, domains, retention or time zone.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { isTimeZone } from '../scope/time-zone.js';
import { parseOrThrow } from '../base/validation.js';

export const AddSiteBody = z.object({
  domain: z.string().min(1).max(253),
  name: z.string().min(1).max(200).optional(),
});

export const SiteParams = z.object({ siteId: z.string().min(1).max(253) });
export const SiteChangeBody = z
  .object({
    name: z.string().min(1).max(200).optional(),
    domains: z.array(z.string().min(1).max(253)).min(1).max(50).optional(),
    retention_days: z.number().int().min(0).max(36_500).optional(),
    time_zone: z
      .string()
      .max(64)
      .refine(isTimeZone, { message: 'must be an IANA time zone such as UTC or Europe/Paris' })
      .optional(),
    stated_source_fields: z.array(z.string().trim().min(1).max(128)).max(20).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, {
    message: 'name what to change: name, domains, retention_days, time_zone or stated_source_fields',
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
  app.patch('/v1/admin/sites/:siteId', async (req) => {
    const { siteId } = parseOrThrow(SiteParams, req.params);
    return app.sites.update(siteId, parseOrThrow(SiteChangeBody, req.body));
  });
};

export default adminSitesRoutes;
