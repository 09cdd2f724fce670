/**
 * `GET /v1/reports/overview` and `GET /v1/reports/funnel` (site secret key, or admin token +
 * `site`): what the dashboard shows beside attribution — totals, a daily series, and the
 * visitor → lead → customer funnel by first-touch channel; with the report range, comparison and
 * filters of reports/scope.ts, as JSON or CSV.
 */
import type { FastifyPluginAsync } from 'fastify';
import { sendReport } from '../reports/csv-reply.js';
import { funnel } from '../reports/funnel.js';
import { overview } from '../reports/overview.js';
import { ReportParams, reportScope, withComparison } from '../reports/scope.js';
import { parseOrThrow } from '../validation.js';

export { ReportParams as ReportRange };
const DEFAULT_DAYS = 30;

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
};

export default reportsRoutes;
