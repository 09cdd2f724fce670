/**
 * `GET /v1/attribution` (site secret key, or admin token + `site`): credit per channel, source,
 * campaign … under one model; `GET /v1/attribution/compare`: every model side by side;
 * `GET /v1/attribution/roi`: spend beside attributed leads, customers and revenue.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ALL_MODELS, CONVERSIONS, DEFAULT_WINDOW, DIMENSIONS } from '../attribution/models.js';
import { attribution, compareModels } from '../attribution/report.js';
import { ROI_DIMENSIONS, roiReport } from '../attribution/roi.js';
import { isoTime, parseOrThrow } from '../validation.js';
import { siteOfRequest } from './site-scope.js';

const DAY = 86_400_000;

export const CompareParams = z.object({
  site: z.string().max(253).optional(),
  conversion: z.enum(CONVERSIONS, { message: `must be one of ${CONVERSIONS.join(', ')}` }).default('customer'),
  groupBy: z.enum(DIMENSIONS, { message: `must be one of ${DIMENSIONS.join(', ')}` }).default('channel'),
  from: isoTime.optional(),
  to: isoTime.optional(),
  lookback_days: z.coerce.number().int().min(1).max(3650).default(DEFAULT_WINDOW.lookbackDays),
  half_life_days: z.coerce.number().min(0.01).max(3650).default(DEFAULT_WINDOW.halfLifeDays),
});
const model = z.enum(ALL_MODELS as [string, ...string[]], { message: `must be one of ${ALL_MODELS.join(', ')}` }).default('linear');
export const AttributionParams = CompareParams.extend({ model });
export const RoiParams = CompareParams.extend({ model, groupBy: z.enum(ROI_DIMENSIONS, { message: `must be one of ${ROI_DIMENSIONS.join(', ')}` }).default('campaign') });

function scope(q: z.output<typeof CompareParams>) {
  const to = q.to ?? Date.now();
  return {
    conversion: q.conversion,
    groupBy: q.groupBy,
    from: q.from ?? to - 90 * DAY,
    to,
    window: { lookbackDays: q.lookback_days, halfLifeDays: q.half_life_days },
  };
}

const attributionRoutes: FastifyPluginAsync = async (app) => {
  app.get('/v1/attribution', async (req) => {
    const q = parseOrThrow(AttributionParams, req.query);
    const siteId = await siteOfRequest(app, req, q.site, 'report');
    return attribution(app.db, { siteId, model: q.model as (typeof ALL_MODELS)[number], ...scope(q) });
  });
  app.get('/v1/attribution/compare', async (req) => {
    const q = parseOrThrow(CompareParams, req.query);
    const siteId = await siteOfRequest(app, req, q.site, 'report');
    return compareModels(app.db, { siteId, ...scope(q) });
  });
  app.get('/v1/attribution/roi', async (req) => {
    const q = parseOrThrow(RoiParams, req.query);
    const siteId = await siteOfRequest(app, req, q.site, 'report');
    return roiReport(app.db, { siteId, model: q.model as (typeof ALL_MODELS)[number], ...scope(q), groupBy: q.groupBy });
  });
};

export default attributionRoutes;
