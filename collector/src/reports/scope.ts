/**
 * What every report request shares: the site (by credential), a date range in the site's time zone,
 * an optional comparison period and the filters — declared once as a zod schema (which the OpenAPI
 * document is built from) and resolved into a `ReportScope`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ClError } from '../base/errors.js';
import { siteOfRequest } from '../sites/authorize.js';
import { FILTERS, type Filter, type Filters } from '../scope/filters.js';
import { addDays, startOfDay, yearEarlier } from '../scope/time-zone.js';

const DAY = 86_400_000;
const MAX_RANGE = 3 * 366 * DAY;

const dayOrTime = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { message: 'must be an ISO 8601 date or date-time' })
  .describe("A date (`2026-11-01`: the start of that day in the site's time zone) or a date-time with offset.");
const filter = (name: string) =>
  z.string().max(500).optional().describe(`Only sessions whose ${name} is this value (\`(none)\`: empty).`);

export const ReportParams = z.object({
  site: z.string().max(253).optional(),
  from: dayOrTime.optional(),
  to: dayOrTime.optional().describe('End of the range, exclusive (a date: the start of that day). Default: now.'),
  compare: z
    .enum(['previous', 'year'], { message: 'must be previous or year' })
    .optional()
    .describe(
      'Also answer for the period just before (`previous`, as long) or the same dates a year earlier (`year`), under `compare`.',
    ),
  format: z
    .enum(['json', 'csv'], { message: 'must be json or csv' })
    .optional()
    .describe('`csv` (or `Accept: text/csv`): the table as CSV.'),
  channel: filter('channel'),
  source: filter('source'),
  medium: filter('medium'),
  campaign: filter('campaign (utm_campaign)'),
  term: filter('term (utm_term)'),
  content: filter('content (utm_content)'),
  referrer_domain: filter('referrer domain'),
  landing_page: filter('landing page path'),
  device: filter('device type (desktop, mobile, tablet) of the first event'),
  browser: filter('browser of the first event'),
  os: filter('operating system of the first event'),
});
export type ReportParamsOut = z.output<typeof ReportParams>;

export interface Period {
  from: number;
  to: number;
}

export interface ReportScope extends Period {
  siteId: string;
  timeZone: string;
  filters: Filters;
  /** The comparison period, when asked for. */
  compare?: Period;
}

export function rangeOf(
  q: ReportParamsOut,
  tz: string,
  defaultDays: number,
  now = Date.now(),
): Period & { days?: number } {
  const at = (s: string) => (s.length === 10 ? startOfDay(s, tz) : Date.parse(s));
  const to = q.to ? at(q.to) : now;
  const from = q.from ? at(q.from) : to - defaultDays * DAY;
  if (!(from < to && to - from <= MAX_RANGE))
    throw new ClError('CL_INVALID_REQUEST', 'from: from must be before to, at most 3 years apart', { path: 'from' });
  const days =
    q.from?.length === 10 && q.to?.length === 10
      ? Math.round((Date.parse(q.to) - Date.parse(q.from)) / DAY)
      : undefined;
  return { from, to, days };
}

/** The period before (as many calendar days, or as long) or the same dates a year earlier. */
export function comparisonOf(q: ReportParamsOut, range: Period & { days?: number }, tz: string): Period | undefined {
  if (!q.compare) return undefined;
  if (q.compare === 'year') return { from: yearEarlier(range.from, tz), to: yearEarlier(range.to, tz) };
  if (range.days !== undefined && q.from) return { from: startOfDay(addDays(q.from, -range.days), tz), to: range.from };
  return { from: range.from - (range.to - range.from), to: range.from };
}

export async function reportScope(
  app: FastifyInstance,
  req: FastifyRequest,
  q: ReportParamsOut,
  defaultDays: number,
): Promise<ReportScope> {
  const siteId = await siteOfRequest(app, req, q.site, 'report');
  const timeZone = app.sites.timeZone(siteId);
  const range = rangeOf(q, timeZone, defaultDays);
  const filters: Filters = {};
  for (const name of FILTERS) if (q[name as Filter] !== undefined) filters[name] = q[name as Filter];
  return { siteId, timeZone, from: range.from, to: range.to, filters, compare: comparisonOf(q, range, timeZone) };
}

/** The report, and under `compare` the same report for the comparison period. */
export async function withComparison<T extends object>(
  scope: ReportScope,
  run: (p: Period) => Promise<T>,
): Promise<T & { compare?: T }> {
  const [current, previous] = await Promise.all([run(scope), scope.compare ? run(scope.compare) : undefined]);
  return previous ? { ...current, compare: previous } : current;
}
