/** `POST /v1/costs` (site secret key, or admin token + `site`): spend per day and campaign, one or a batch, idempotent per day and campaign. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { CostSchema, recordCosts } from '../crm/costs.js';
import { parseOrThrow } from '../base/validation.js';
import { siteOfRequest } from '../sites/authorize.js';

export const MAX_COSTS_PER_REQUEST = 5000;

export const CostsBody = z.union([
  z.object({
    site: z.string().max(253).optional(),
    costs: z.array(CostSchema).min(1).max(MAX_COSTS_PER_REQUEST, `at most ${MAX_COSTS_PER_REQUEST} per request`),
  }),
  CostSchema.extend({ site: z.string().max(253).optional() }),
]);

const costsRoutes: FastifyPluginAsync = async (app) => {
  app.post('/v1/costs', async (req) => {
    const raw = req.body as { site?: unknown } | undefined;
    const site = await siteOfRequest(app, req, typeof raw?.site === 'string' ? raw.site : undefined);
    const body = parseOrThrow(CostsBody, req.body);
    return recordCosts(app.db, site, 'costs' in body ? body.costs : [body]);
  });
};

export default costsRoutes;
