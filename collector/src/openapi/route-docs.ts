/**
 * Every HTTP route, described once, with the zod schemas that validate it (imported from the
 * route modules, so the document cannot drift from what the collector enforces). The OpenAPI
 * document (document.ts) is built from this table; a test checks that every registered route is
 * in it and that every example validates.
 */
import type { z } from 'zod';
import type { ErrorCode } from '../base/errors.js';
import { EventBatchSchema } from '../ingest/schema.js';
import { AttributionParams, CompareParams, RoiParams } from '../routes/attribution.js';
import { ConversionsBody } from '../routes/conversions.js';
import { CostsBody } from '../routes/costs.js';
import { LeadParams, LeadsQuery } from '../routes/leads.js';
import { PrivacyBody } from '../routes/privacy.js';
import { QueryBody } from '../routes/query.js';
import { PagesParams, PathsParams, ReportRange, StatedParams } from '../routes/reports.js';
import { OPERATIONS_ROUTE_DOCS } from './route-docs-operations.js';

export type Auth = 'none' | 'admin' | 'secret' | 'report' | 'leads' | 'analyst' | 'tokens' | 'public-key';

export interface RouteDoc {
  summary: string;
  description?: string;
  tag: 'Ingestion' | 'CRM' | 'Attribution' | 'Reports' | 'Analysts' | 'Admin' | 'Operations' | 'Static';
  auth: Auth;
  query?: z.ZodType;
  params?: z.ZodType;
  body?: z.ZodType;
  /** Content types of the body (default application/json). */
  bodyTypes?: string[];
  success: { status: number; description: string; type?: string };
  errors?: ErrorCode[];
  example?: { query?: Record<string, string>; params?: Record<string, string>; body?: unknown };
}

const SERVER_API: ErrorCode[] = ['CL_INVALID_REQUEST', 'CL_UNAUTHORIZED', 'CL_FORBIDDEN', 'CL_UNKNOWN_SITE'];
const range = { site: 'demo', from: '2026-09-01', to: '2026-11-25' };
/** What every report route adds (reports/scope.ts). */
const REPORT =
  " Range in the site's time zone; `compare=previous|year` adds the comparison period under `compare`; filters (channel … os) select sessions; `format=csv` or `Accept: text/csv` answers the table as CSV (formula-safe).";

export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'POST /v1/events': {
    summary: 'Send a batch of events (what the SDK does)',
    description:
      'All or nothing: one invalid event rejects the batch. `202` once the batch is fsync\'d in the spool. Sent as `text/plain` by browsers (no CORS preflight). The schema below is wire format 1; the script sends wire format 3 (`[3, key, ms in base 36, sdk, [[y, i, t, v, s, u, h, {...}], ...]]`, sdk/src/protocol.ts `EventBatchV3`: wire format 2 by position), and wire format 2 (`{"v": 2, "k": key, "t": ms, "e": [...]}`, `EventBatchV2`) is accepted too.',
    tag: 'Ingestion',
    auth: 'public-key',
    body: EventBatchSchema,
    bodyTypes: ['text/plain', 'application/json'],
    success: {
      status: 202,
      description: '`{"accepted": n}`; `visitor_id` when the collector\'s own cookie knows this browser.',
    },
    errors: [
      'CL_INVALID_JSON',
      'CL_INVALID_EVENT',
      'CL_UNKNOWN_SITE',
      'CL_ORIGIN_NOT_ALLOWED',
      'CL_FORBIDDEN',
      'CL_BODY_TOO_LARGE',
      'CL_UNSUPPORTED_MEDIA_TYPE',
      'CL_REQUEST_TIMEOUT',
      'CL_RATE_LIMITED',
      'CL_SITE_RATE_LIMITED',
      'CL_SITE_SPOOL_FULL',
      'CL_SPOOL_FULL',
      'CL_STORAGE_UNAVAILABLE',
    ],
    example: {
      body: {
        site: 'pk_demo',
        sent_at: 1764064800000,
        sdk: '0.1.0',
        events: [
          {
            type: 'pageview',
            id: '0b9f3c52-4a43-4a0e-9f55-4c2d3a1e8b7d',
            ts: 1764064799000,
            visitor_id: '6f1c2b7e-3d4a-4b5c-8d9e-0f1a2b3c4d5e',
            session_id: '7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
            url: 'https://shop.example.com/?utm_source=newsletter&utm_medium=email&utm_campaign=launch',
            title: 'Shop',
            session_start: true,
            touch: {
              ts: 1764064799000,
              referrer: '',
              landing_url: 'https://shop.example.com/?utm_source=newsletter&utm_medium=email&utm_campaign=launch',
              utm_source: 'newsletter',
              utm_medium: 'email',
              utm_campaign: 'launch',
            },
          },
        ],
      },
    },
  },
  'OPTIONS /v1/events': {
    summary: 'CORS preflight for event posts',
    tag: 'Ingestion',
    auth: 'none',
    success: { status: 204, description: 'Allowed methods and headers.' },
  },
  'POST /v1/conversions': {
    summary: 'Record CRM deals and stage changes (idempotent on record_id)',
    tag: 'CRM',
    auth: 'secret',
    body: ConversionsBody,
    success: { status: 200, description: '`{"received", "created", "updated", "unmatched", "results"}`' },
    errors: SERVER_API,
    example: {
      body: {
        record_id: 'HS-1001',
        email: 'ada@example.com',
        stage: 'customer',
        amount: 1200,
        currency: 'EUR',
        ts: '2026-11-20',
      },
    },
  },
  'POST /v1/costs': {
    summary: 'Record spend per day and campaign (idempotent per day and campaign)',
    tag: 'CRM',
    auth: 'secret',
    body: CostsBody,
    success: { status: 200, description: '`{"received", "created", "updated"}`' },
    errors: SERVER_API,
    example: {
      body: {
        site: 'demo',
        costs: [
          { date: '2026-11-01', source: 'google', medium: 'cpc', campaign: 'brand', amount: 1234.5, currency: 'EUR' },
        ],
      },
    },
  },
  'GET /v1/leads': {
    summary: "A lead's timeline, looked up by email",
    tag: 'CRM',
    auth: 'leads',
    query: LeadsQuery,
    success: { status: 200, description: 'Person, visitors, touches, forms, stages and deals.' },
    errors: [...SERVER_API, 'CL_NOT_FOUND'],
    example: { query: { site: 'demo', email: 'ada@example.com' } },
  },
  'GET /v1/leads/:personId': {
    summary: "A lead's timeline by person id",
    tag: 'CRM',
    auth: 'leads',
    query: LeadsQuery,
    params: LeadParams,
    success: { status: 200, description: 'Person, visitors, touches, forms, stages and deals.' },
    errors: [...SERVER_API, 'CL_NOT_FOUND'],
    example: { params: { personId: '0f8e7d6c-5b4a-8392-a1b0-c9d8e7f6a5b4' }, query: { site: 'demo' } },
  },
  'POST /v1/privacy/export': {
    summary: 'Answer an access request: everything stored about a person (by email) or a visitor',
    tag: 'CRM',
    auth: 'secret',
    body: PrivacyBody,
    success: {
      status: 200,
      description:
        'Events, touches, forms, stages, deals, revenue and identities as JSON; the request is recorded in `privacy_requests`.',
    },
    errors: [...SERVER_API, 'CL_STORAGE_UNAVAILABLE'],
    example: { body: { site: 'demo', email: 'ada@example.com' } },
  },
  'POST /v1/privacy/erase': {
    summary: 'Answer an erasure request: delete a person (by email) or a visitor from every table',
    tag: 'CRM',
    auth: 'secret',
    body: PrivacyBody,
    success: {
      status: 200,
      description: 'Rows deleted per table; the request is recorded in `privacy_requests` (subject hashed).',
    },
    errors: [...SERVER_API, 'CL_STORAGE_UNAVAILABLE'],
    example: { body: { site: 'demo', visitor_id: '6f1c2b7e-3d4a-4b5c-8d9e-0f1a2b3c4d5e' } },
  },
  'GET /v1/attribution': {
    summary: 'Credit per channel, campaign … under one attribution model',
    tag: 'Attribution',
    auth: 'report',
    query: AttributionParams,
    success: {
      status: 200,
      description: '`{"model", "conversion", "group_by", "total", "rows": [{"key", "conversions", "value"}]}`' + REPORT,
    },
    errors: SERVER_API,
    example: { query: { ...range, model: 'w_shaped', conversion: 'revenue', groupBy: 'campaign' } },
  },
  'GET /v1/attribution/compare': {
    summary: 'Every attribution model side by side',
    tag: 'Attribution',
    auth: 'report',
    query: CompareParams,
    success: {
      status: 200,
      description: '`{"models", "total", "rows": [{"key", "<model>": {"conversions", "value"}}]}`' + REPORT,
    },
    errors: SERVER_API,
    example: { query: { ...range, conversion: 'customer', groupBy: 'channel' } },
  },
  'GET /v1/attribution/roi': {
    summary: 'Cost, attributed leads, customers, revenue, CPL, CAC, ROAS and ROI',
    tag: 'Attribution',
    auth: 'report',
    query: RoiParams,
    success: {
      status: 200,
      description:
        '`{"total", "rows": [{"key", "visitors", "sessions", "cost", "leads", "customers", "revenue", "cost_per_lead", "cac", "roas", "roi"}]}`' +
        REPORT,
    },
    errors: SERVER_API,
    example: { query: { ...range, model: 'linear', groupBy: 'campaign' } },
  },
  'GET /v1/reports/overview': {
    summary: 'Totals and a daily series of visitors, sessions, page views, leads, customers and revenue',
    tag: 'Reports',
    auth: 'report',
    query: ReportRange,
    success: { status: 200, description: '`{"totals", "series": [{"day", …}]}`' + REPORT },
    errors: SERVER_API,
    example: { query: range },
  },
  'GET /v1/reports/funnel': {
    summary: 'Visitor → lead → customer funnel by first-touch channel',
    tag: 'Reports',
    auth: 'report',
    query: ReportRange,
    success: {
      status: 200,
      description:
        '`{"rows": [{"channel", "visitors", "leads", "customers", "lead_rate", "customer_rate"}], "without_visit": {"leads", "customers"}}`' +
        REPORT,
    },
    errors: SERVER_API,
    example: { query: range },
  },
  'GET /v1/reports/pages': {
    summary: 'Landing pages: entrances, leads and customers converted there, and assisted conversions',
    tag: 'Reports',
    auth: 'report',
    query: PagesParams,
    success: {
      status: 200,
      description:
        '`{"rows": [{"page", "entrances", "leads", "customers", "lead_rate", "assisted_leads", "assisted_customers"}]}`' +
        REPORT,
    },
    errors: SERVER_API,
    example: { query: range },
  },
  'GET /v1/reports/paths': {
    summary: 'Page sequences of converting sessions, entry to conversion, with how many sessions followed them',
    tag: 'Reports',
    auth: 'report',
    query: PathsParams,
    success: {
      status: 200,
      description:
        '`{"conversion", "rows": [{"path", "pages", "conversions", "sessions", "conversion_rate"}]}`' + REPORT,
    },
    errors: SERVER_API,
    example: { query: { ...range, conversion: 'lead' } },
  },
  'GET /v1/reports/stated-source': {
    summary: 'What leads said brought them, beside the credit a model gives each channel for the same conversions',
    tag: 'Reports',
    auth: 'report',
    query: StatedParams,
    success: {
      status: 200,
      description:
        '`{"model", "conversion", "total": {"conversions", "stated"}, "rows": [{"key", "stated", "channels": [{"channel", "credit"}], "top_channel"}]}`' +
        REPORT,
    },
    errors: SERVER_API,
    example: { query: { ...range, model: 'linear', conversion: 'lead' } },
  },
  'POST /v1/query': {
    summary: "One SELECT over closeloop's tables (checked on ClickHouse's parse tree, run read-only)",
    tag: 'Analysts',
    auth: 'analyst',
    body: QueryBody,
    success: { status: 200, description: '`{"columns", "rows", "rowCount", "statistics"}`' },
    errors: [
      'CL_INVALID_REQUEST',
      'CL_UNAUTHORIZED',
      'CL_FORBIDDEN',
      'CL_QUERY_FAILED',
      'CL_QUERY_NOT_ALLOWED',
      'CL_QUERY_NOT_READONLY',
      'CL_QUERY_MULTI_STATEMENT',
      'CL_QUERY_LIMIT',
      'CL_STORAGE_UNAVAILABLE',
    ],
    example: {
      body: {
        sql: 'SELECT channel, count() AS sessions FROM touchpoints WHERE site_id = {site:String} GROUP BY channel',
        params: { site: 'demo' },
      },
    },
  },
  ...OPERATIONS_ROUTE_DOCS,
};
