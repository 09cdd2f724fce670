/**
 * `GET /v1/attribution` (site secret key, or admin token + `site`): credit per channel, source,
 * campaign … under one model; `GET /v1/attribution/compare`: every model side by side;
 * `GET /v1/attribution/roi`: traffic and spend beside attributed leads, customers and revenue.
 * All take the report range, comparison and filters (reports/scope.ts) and answer JSON or CSV.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ALL_MODELS, CONVERSIONS, DEFAULT_WINDOW, DIMENSIONS, type Model } from '../attribution/models.js';
import { attribution, compareModels } from '../attribution/report.js';
import { ROI_DIMENSIONS, roiReport } from '../attribution/roi.js';
import { sendReport } from '../reports/csv-reply.js';
import { ReportParams, reportScope, withComparison, type Period } from '../reports/scope.js';
import { parseOrThrow } from '../base/validation.js';

export const CompareParams = ReportParams.extend({
  conversion: z.enum(CONVERSIONS, { message: `must be one of ${CONVERSIONS.join(', ')}` }).default('customer'),
  groupBy: z.enum(DIMENSIONS, { message: `must be one of ${DIMENSIONS.join(', ')}` }).default('channel'),
  lookback_days: z.coerce.number().int().min(1).max(3650).default(DEFAULT_WINDOW.lookbackDays),
  half_life_days: z.coerce.number().min(0.01).max(3650).default(DEFAULT_WINDOW.halfLifeDays),
});
const model = z.enum(ALL_MODELS, { message: `must be one of ${ALL_MODELS.join(', ')}` }).default('linear');
export const AttributionParams = CompareParams.extend({ model });
export const RoiParams = CompareParams.extend({
  model,
  groupBy: z.enum(ROI_DIMENSIONS, { message: `must be one of ${ROI_DIMENSIONS.join(', ')}` }).default('campaign'),
});

const DEFAULT_DAYS = 90;

type Params = Omit<z.output<typeof CompareParams>, 'groupBy'> & {
  groupBy: (typeof DIMENSIONS)[number];
  model?: string;
};

async function scoped(app: Parameters<FastifyPluginAsync>[0], req: FastifyRequest, schema: z.ZodType) {
  const q = parseOrThrow(schema, req.query) as Params;
  const scope = await reportScope(app, req, q, DEFAULT_DAYS);
  const common = (p: Period) => ({
    siteId: scope.siteId,
    conversion: q.conversion,
    groupBy: q.groupBy,
    from: p.from,
    to: p.to,
    filters: scope.filters,
    window: { lookbackDays: q.lookback_days, halfLifeDays: q.half_life_days },
  });
  return { q, scope, common };
}

const attributionRoutes: FastifyPluginAsync = async (app) => {
  const send = (
    req: FastifyRequest,
    reply: FastifyReply,
    kind: Parameters<typeof sendReport>[3],
    body: object,
    format?: string,
  ) => sendReport(req, reply, body, kind, format);
  app.get('/v1/attribution', async (req, reply) => {
    const { q, scope, common } = await scoped(app, req, AttributionParams);
    const body = await withComparison(scope, (p) => attribution(app.db, { ...common(p), model: q.model as Model }));
    return send(req, reply, 'attribution', body, q.format);
  });
  app.get('/v1/attribution/compare', async (req, reply) => {
    const { q, scope, common } = await scoped(app, req, CompareParams);
    const body = await withComparison(scope, (p) => compareModels(app.db, common(p)));
    return send(req, reply, 'compare', body, q.format);
  });
  app.get('/v1/attribution/roi', async (req, reply) => {
    const { q, scope, common } = await scoped(app, req, RoiParams);
    const groupBy = q.groupBy as (typeof ROI_DIMENSIONS)[number];
    const body = await withComparison(scope, (p) =>
      roiReport(app.db, { ...common(p), groupBy, model: q.model as Model, timeZone: scope.timeZone }),
    );
    return send(req, reply, 'roi', body, q.format);
  });
};

export default attributionRoutes;
