/**
 * `POST /v1/conversions` (site secret key, or admin token + `site`): closed deals and stage changes
 * from the CRM, one or a batch, idempotent on the CRM's record id.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ConversionSchema, recordConversions, summarize } from '../crm/conversions.js';
import { parseOrThrow } from '../base/validation.js';
import { siteOfRequest } from '../sites/authorize.js';

export const MAX_CONVERSIONS_PER_REQUEST = 1000;

export const ConversionsBody = z.union([
  z.object({
    site: z.string().max(253).optional(),
    conversions: z
      .array(ConversionSchema)
      .min(1)
      .max(MAX_CONVERSIONS_PER_REQUEST, `at most ${MAX_CONVERSIONS_PER_REQUEST} per request`),
  }),
  ConversionSchema.and(z.object({ site: z.string().max(253).optional() })),
]);

const conversionsRoutes: FastifyPluginAsync = async (app) => {
  app.post('/v1/conversions', async (req) => {
    const raw = req.body as { site?: unknown } | undefined;
    const site = await siteOfRequest(app, req, typeof raw?.site === 'string' ? raw.site : undefined);
    const body = parseOrThrow(ConversionsBody, req.body);
    const list = 'conversions' in body ? body.conversions : [body];
    return summarize(await recordConversions(app.db, site, list));
  });
};

export default conversionsRoutes;
