/**
 * The collector's `/v1/…` API as the dashboard reads it: one typed function per call, the admin
 * token as a Bearer header, the collector's error body (`{code, message}`) as an `ApiError`.
 */

import type { Credit, FunnelRow, LeadTimeline, Overview, RoiRow, RoiTotal } from './contract.js';

export const MODELS = ['first_touch', 'last_touch', 'last_non_direct', 'linear', 'time_decay', 'u_shaped', 'w_shaped', 'full_path', 'markov'] as const;
export type Model = (typeof MODELS)[number];
export const GROUP_BY = ['channel', 'source', 'medium', 'campaign'] as const;
export type GroupBy = (typeof GROUP_BY)[number];
export const CONVERSIONS = ['lead', 'customer', 'revenue'] as const;
export type Conversion = (typeof CONVERSIONS)[number];

export interface Site {
  site_id: string;
  name: string;
  domains: string[];
  public_key: string;
}

export interface Range {
  /** ISO timestamps; `from` inclusive, `to` exclusive. */
  from: string;
  to: string;
}

export type { Credit, DayPoint, FunnelRow, LeadTimeline, Overview, RoiRow, Totals } from './contract.js';

export interface Roi {
  total: RoiTotal;
  rows: RoiRow[];
}

export interface Comparison {
  models: Model[];
  total: Credit;
  rows: (Record<Model, Credit> & { key: string })[];
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

  private async call<T>(method: 'GET' | 'POST', path: string, params: Record<string, string> = {}, body?: unknown): Promise<T> {
    const qs = new URLSearchParams(params).toString();
    let res: Response;
    try {
      res = await fetch(qs ? `${path}?${qs}` : path, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? null : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'The collector did not answer. Is it running?');
    }
    const json = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
    if (!res.ok) throw new ApiError(res.status, json.code ?? `HTTP_${res.status}`, json.message ?? `The collector answered ${res.status}.`);
    return json as T;
  }

  async sites(): Promise<Site[]> {
    return (await this.call<{ sites: Site[] }>('GET', '/v1/admin/sites')).sites;
  }
  overview(site: string, r: Range): Promise<Overview> {
    return this.call('GET', '/v1/reports/overview', { site, ...r });
  }
  funnel(site: string, r: Range): Promise<{ rows: FunnelRow[] }> {
    return this.call('GET', '/v1/reports/funnel', { site, ...r });
  }
  roi(site: string, r: Range, model: Model, groupBy: GroupBy): Promise<Roi> {
    return this.call('GET', '/v1/attribution/roi', { site, ...r, model, groupBy });
  }
  compare(site: string, r: Range, conversion: Conversion, groupBy: GroupBy): Promise<Comparison> {
    return this.call('GET', '/v1/attribution/compare', { site, ...r, conversion, groupBy });
  }
  lead(site: string, email: string): Promise<LeadTimeline> {
    return this.call('GET', '/v1/leads', { site, email });
  }

  /** The latest leads, to open one without typing an address. */
  async recentLeads(site: string, limit = 6): Promise<{ email: string; stage: string }[]> {
    const sql = `SELECT email, stage FROM people WHERE site_id = {site:String} AND email != '' ORDER BY lead_at DESC LIMIT ${limit}`;
    return (await this.call<{ rows: { email: string; stage: string }[] }>('POST', '/v1/query', {}, { sql, params: { site } })).rows;
  }

  /** The currency most of the site's deals are in ('' when there are none): reports sum amounts as they are. */
  async currency(site: string): Promise<string> {
    const sql = `SELECT currency FROM deals WHERE site_id = {site:String} AND currency != '' GROUP BY currency ORDER BY count() DESC LIMIT 1`;
    const r = await this.call<{ rows: { currency: string }[] }>('POST', '/v1/query', {}, { sql, params: { site } }).catch(() => ({ rows: [] }));
    return r.rows[0]?.currency ?? '';
  }
}
