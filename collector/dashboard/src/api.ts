/**
 * The collector's `/v1/…` API as the dashboard reads it: one typed function per call, the admin
 * token as a Bearer header, the collector's error body (`{code, message}`) as an `ApiError`.
 */

import {
  CONVERSIONS,
  FILTERS,
  MODELS,
  ROI_DIMENSIONS as GROUP_BY,
  type Conversion,
  type Filter,
  type Model,
  type RoiDimension as GroupBy,
} from '../../../contract/attribution.js';
import type { Credit, Funnel, LeadTimeline, Overview, RoiRow, RoiTotal } from '../../../contract/reports.js';
import type { ShareToken } from './share.js';

// Models, conversions, the group-by list and the report filters (the collector's allow-list, in the
// order chips show them) are the contract's, as the collector reads them.
export { CONVERSIONS, FILTERS, GROUP_BY, MODELS, type Conversion, type Filter, type GroupBy, type Model };

export interface Site {
  site_id: string;
  name: string;
  domains: string[];
  public_key: string;
  time_zone?: string;
}

/** What every report call takes: the site, days (`to` exclusive, site time zone), comparison, filters. */
export interface ReportQuery {
  site: string;
  from: string;
  to: string;
  compare: '' | 'previous' | 'year';
  filters: Partial<Record<Filter, string>>;
  /** The site's time zone (the days' meaning; not sent to the report routes, which know it). */
  timeZone?: string;
}

export type {
  Credit,
  DayPoint,
  Funnel,
  FunnelRow,
  LeadTimeline,
  Overview,
  RoiRow,
  Totals,
} from '../../../contract/reports.js';

/** A report, and the same report for the comparison period when one was asked for. */
export type Compared<T> = T & { compare?: T };

export interface Roi {
  total: RoiTotal;
  rows: RoiRow[];
}

export interface Comparison {
  models: Model[];
  total: Credit;
  rows: (Record<Model, Credit> & { key: string })[];
}

export type ReportPath =
  | 'reports/overview'
  | 'reports/funnel'
  | 'attribution/roi'
  | 'attribution/compare'
  | 'reports/paths'
  | 'reports/pages'
  | 'reports/stated-source';

function reportParams(q: ReportQuery, extra: Record<string, string> = {}): Record<string, string> {
  const p: Record<string, string> = { site: q.site, from: q.from, to: q.to, ...extra };
  if (q.compare) p.compare = q.compare;
  for (const [f, v] of Object.entries(q.filters)) if (v !== undefined) p[f] = v;
  return p;
}

export type Row = Record<string, unknown>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class Api {
  constructor(private readonly token: string) {}

  private async fetch(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    params: Record<string, string>,
    body?: unknown,
  ): Promise<Response> {
    const qs = new URLSearchParams(params).toString();
    let res: Response;
    try {
      res = await fetch(qs ? `${path}?${qs}` : path, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? null : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'The collector did not answer. Is it running?');
    }
    if (!res.ok) {
      const json = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
      throw new ApiError(
        res.status,
        json.code ?? `HTTP_${res.status}`,
        json.message ?? `The collector answered ${res.status}.`,
      );
    }
    return res;
  }

  private async call<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    params: Record<string, string> = {},
    body?: unknown,
  ): Promise<T> {
    const res = await this.fetch(method, path, params, body);
    return (await res.json().catch(() => ({}))) as T;
  }

  /** A report's table as CSV text (`format=csv`), exactly what the API exports. */
  async csv(path: ReportPath, q: ReportQuery, extra: Record<string, string> = {}): Promise<string> {
    return (await this.fetch('GET', `/v1/${path}`, reportParams(q, { ...extra, format: 'csv' }))).text();
  }

  tokens(site: string): Promise<{ tokens: ShareToken[] }> {
    return this.call('GET', '/v1/admin/tokens', { site });
  }
  createShareToken(site: string, name: string): Promise<ShareToken> {
    return this.call('POST', '/v1/admin/tokens', {}, { kind: 'share', name, site });
  }
  revokeToken(id: string): Promise<{ id: string; revoked: boolean }> {
    return this.call('DELETE', `/v1/admin/tokens/${encodeURIComponent(id)}`);
  }

  async sites(): Promise<Site[]> {
    return (await this.call<{ sites: Site[] }>('GET', '/v1/admin/sites')).sites;
  }
  report<T>(path: ReportPath, q: ReportQuery, extra: Record<string, string> = {}): Promise<Compared<T>> {
    return this.call('GET', `/v1/${path}`, reportParams(q, extra));
  }
  overview(q: ReportQuery): Promise<Compared<Overview>> {
    return this.report('reports/overview', q);
  }
  funnel(q: ReportQuery): Promise<Compared<Funnel>> {
    return this.report('reports/funnel', q);
  }
  roi(q: ReportQuery, model: Model, groupBy: GroupBy): Promise<Compared<Roi>> {
    return this.report('attribution/roi', q, { model, groupBy });
  }
  compare(q: ReportQuery, conversion: Conversion, groupBy: GroupBy): Promise<Compared<Comparison>> {
    return this.report('attribution/compare', q, { conversion, groupBy });
  }
  lead(site: string, email: string): Promise<LeadTimeline> {
    return this.call('GET', '/v1/leads', { site, email });
  }

  /**
   * The latest leads of the range and segment, to open one without typing an address: people who
   * became leads in the range with a session matching the touch filters (names from FILTERS only,
   * values bound).
   */
  async recentLeads(q: ReportQuery, limit = 8): Promise<{ email: string; stage: string }[]> {
    const touch = FILTERS.slice(0, 8).filter((f) => q.filters[f] !== undefined);
    const params: Record<string, string> = { site: q.site, from: q.from, to: q.to, tz: q.timeZone ?? 'UTC' };
    for (const f of touch) params[`f_${f}`] = q.filters[f] === '(none)' ? '' : q.filters[f]!;
    const segment = touch.length
      ? ` AND person_id IN (SELECT person_id FROM touchpoints WHERE site_id = {site:String} AND ${touch.map((f) => `${f} = {f_${f}:String}`).join(' AND ')})`
      : '';
    const sql = `SELECT email, stage FROM people WHERE site_id = {site:String} AND email != '' AND lead_at >= toDateTime64({from:String}, 3, {tz:String}) AND lead_at < toDateTime64({to:String}, 3, {tz:String})${segment} ORDER BY lead_at DESC LIMIT ${limit}`;
    return (await this.call<{ rows: { email: string; stage: string }[] }>('POST', '/v1/query', {}, { sql, params }))
      .rows;
  }

  /** The currency most of the site's deals are in ('' when there are none): reports sum amounts as they are. */
  async currency(site: string): Promise<string> {
    const sql = `SELECT currency FROM deals WHERE site_id = {site:String} AND currency != '' GROUP BY currency ORDER BY count() DESC LIMIT 1`;
    const r = await this.call<{ rows: { currency: string }[] }>(
      'POST',
      '/v1/query',
      {},
      { sql, params: { site } },
    ).catch(() => ({ rows: [] }));
    return r.rows[0]?.currency ?? '';
  }
}
