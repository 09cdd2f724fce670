/**
 * `GET /v1/reports/overview` and `GET /v1/reports/funnel` (site secret key, or admin token +
 * `site`): what the dashboard shows beside attribution — totals, a daily series, and the
 * visitor → lead → customer funnel by first-touch channel; with the report range, comparison and
 * filters of reports/scope.ts, as JSON or CSV.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { DEFAULT_WINDOW, MODELS, type RuleModel } from '../attribution/models.js';
import { sendReport } from '../reports/csv-reply.js';
import { funnel } from '../reports/funnel.js';
import { overview } from '../reports/overview.js';
import { pagesReport, pathsReport } from '../reports/pages.js';
import { statedSourceReport } from '../reports/stated.js';
import { ReportParams, reportScope, withComparison } from '../reports/scope.js';
import { parseOrThrow } from '../base/validation.js';

export { ReportParams as ReportRange };
const DEFAULT_DAYS = 30;
export const PagesParams = ReportParams.extend({
  lookback_days: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(DEFAULT_WINDOW.lookbackDays)
    .describe('Assisted conversions: sessions this many days before the conversion count.'),
});
export const PathsParams = PagesParams.extend({
  conversion: z.enum(['lead', 'customer'], { message: 'must be lead or customer' }).default('lead'),
});
export const StatedParams = PathsParams.extend({
  model: z
    .enum(MODELS, { message: `must be one of ${MODELS.join(', ')} (per-conversion weights; not markov)` })
    .default('linear'),
  half_life_days: z.coerce.number().min(0.01).max(3650).default(DEFAULT_WINDOW.halfLifeDays),
});

const reportsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/v1/reports/overview', async (req, reply) => {
    const q = parseOrThrow(ReportParams, req.query);
    const scope = await reportScope(app, req, q, DEFAULT_DAYS);
    const body = await withComparison(scope, (p) => overview(app.db, { ...scope, ...p }));
    return sendReport(req, reply, body, 'overview', q.format);
  });
  app.get('/v1/reports/funnel', async (req, reply) => {
    const q = parseOrThrow(ReportParams, req.query);
    const scope = await reportScope(app, req, q, DEFAULT_DAYS);
    const body = await withComparison(scope, (p) => funnel(app.db, { ...scope, ...p }));
    return sendReport(req, reply, body, 'funnel', q.format);
  });
  app.get('/v1/reports/pages', async (req, reply) => {
    const q = parseOrThrow(PagesParams, req.query);
    const scope = await reportScope(app, req, q, DEFAULT_DAYS);
    const body = await withComparison(scope, (p) =>
      pagesReport(app.db, { ...scope, ...p, lookbackDays: q.lookback_days }),
    );
    return sendReport(req, reply, body, 'pages', q.format);
  });
  app.get('/v1/reports/paths', async (req, reply) => {
    const q = parseOrThrow(PathsParams, req.query);
    const scope = await reportScope(app, req, q, DEFAULT_DAYS);
    const body = await withComparison(scope, (p) =>
      pathsReport(app.db, { ...scope, ...p, lookbackDays: q.lookback_days, conversion: q.conversion }),
    );
    return sendReport(req, reply, body, 'paths', q.format);
  });
  app.get('/v1/reports/stated-source', async (req, reply) => {
    const q = parseOrThrow(StatedParams, req.query);
    const scope = await reportScope(app, req, q, DEFAULT_DAYS);
    const body = await withComparison(scope, (p) =>
      statedSourceReport(app.db, {
        ...scope,
        ...p,
        conversion: q.conversion,
        model: q.model as RuleModel,
        window: { lookbackDays: q.lookback_days, halfLifeDays: q.half_life_days },
        sourceFields: app.sites.statedSourceFields(scope.siteId),
      }),
    );
    return sendReport(req, reply, body, 'stated', q.format);
  });
};

export default reportsRoutes;
