/**
 * `GET /v1/reports/overview` and `GET /v1/reports/funnel` (site secret key, or admin token +
 * `site`): what the dashboard shows beside attribution — totals, a daily series, and the
 * visitor → lead → customer funnel by first-touch channel.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { funnel, overview } from '../reports/overview.js';
import { isoTime, parseOrThrow } from '../validation.js';
import { siteOfRequest } from './site-scope.js';

const DAY = 86_400_000;
export const ReportRange = z
  .object({ site: z.string().max(253).optional(), from: isoTime.optional(), to: isoTime.optional() })
  .transform((q) => {
    const to = q.to ?? Date.now();
    return { site: q.site, to, from: q.from ?? to - 30 * DAY };
  })
  .refine((q) => q.from < q.to && q.to - q.from <= 3 * 366 * DAY, { message: 'from must be before to, at most 3 years apart', path: ['from'] });

const reportsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/v1/reports/overview', async (req) => {
    const q = parseOrThrow(ReportRange, req.query);
    return overview(app.db, { siteId: await siteOfRequest(app, req, q.site, 'report'), from: q.from, to: q.to });
  });
  app.get('/v1/reports/funnel', async (req) => {
    const q = parseOrThrow(ReportRange, req.query);
    return funnel(app.db, { siteId: await siteOfRequest(app, req, q.site, 'report'), from: q.from, to: q.to });
  });
};

export default reportsRoutes;
