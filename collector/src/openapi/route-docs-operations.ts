/**
 * The administration, operations and static routes of the route table (route-docs.ts has the rest, and
 * the contract every entry follows).
 */
import { BackupBody } from '../routes/admin-backup.js';
import { AddSiteBody, SiteChangeBody, SiteParams } from '../routes/admin-sites.js';
import { AddTokenBody, TokenListQuery, TokenParams } from '../routes/admin-tokens.js';
import type { RouteDoc } from './route-docs.js';

export const OPERATIONS_ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /v1/admin/sites': {
    summary: 'List sites',
    tag: 'Admin',
    auth: 'admin',
    success: { status: 200, description: '`{"sites": [...]}`' },
    errors: ['CL_UNAUTHORIZED', 'CL_FORBIDDEN'],
  },
  'POST /v1/admin/tokens': {
    summary:
      "Create an analyst token (admin token) or a share token for one site (admin token, or that site's secret key); the token is answered only here",
    description:
      "Send the token as `Authorization: Bearer <token>` (never in a URL). `analyst` (`at_…`): `/v1/query` and the GET reports and leads of any site. `share` (`sh_…`): one site's GET attribution and reports, for dashboard share links.",
    tag: 'Admin',
    auth: 'tokens',
    body: AddTokenBody,
    success: {
      status: 201,
      description: '`{"id", "kind", "name", "site", "token", "created_at"}` (`site` is null for analyst tokens).',
    },
    errors: ['CL_INVALID_REQUEST', 'CL_UNAUTHORIZED', 'CL_FORBIDDEN', 'CL_UNKNOWN_SITE'],
    example: { body: { kind: 'share', name: 'Board dashboard', site: 'demo' } },
  },
  'GET /v1/admin/tokens': {
    summary:
      "List live analyst and share tokens, without their secrets (a site's secret key sees its site's share tokens)",
    tag: 'Admin',
    auth: 'tokens',
    query: TokenListQuery,
    success: { status: 200, description: '`{"tokens": [{"id", "kind", "name", "site", "created_at"}]}`' },
    errors: ['CL_INVALID_REQUEST', 'CL_UNAUTHORIZED', 'CL_FORBIDDEN'],
    example: { query: { site: 'demo' } },
  },
  'DELETE /v1/admin/tokens/:id': {
    summary: 'Revoke a token (refused from the next request on)',
    tag: 'Admin',
    auth: 'tokens',
    params: TokenParams,
    success: { status: 200, description: '`{"id", "revoked": true}`' },
    errors: ['CL_INVALID_REQUEST', 'CL_UNAUTHORIZED', 'CL_FORBIDDEN', 'CL_NOT_FOUND'],
    example: { params: { id: '3f0c7a52-9b1e-4d2a-8c55-1f2e3d4c5b6a' } },
  },
  'POST /v1/admin/sites': {
    summary: 'Add a site (answers its public key and, this once, its secret key)',
    tag: 'Admin',
    auth: 'admin',
    body: AddSiteBody,
    success: { status: 201, description: 'The site with `public_key` and `secret_key`.' },
    errors: ['CL_INVALID_REQUEST', 'CL_UNAUTHORIZED', 'CL_FORBIDDEN', 'CL_SITE_EXISTS'],
    example: { body: { domain: 'shop.example.com', name: 'Shop' } },
  },
  'PATCH /v1/admin/sites/:siteId': {
    summary:
      "Change a site's name, domains (for the Origin check) or retention (events deleted that many days after they happened; 0 keeps them)",
    tag: 'Admin',
    auth: 'admin',
    params: SiteParams,
    body: SiteChangeBody,
    success: { status: 200, description: 'The site.' },
    errors: ['CL_INVALID_REQUEST', 'CL_UNAUTHORIZED', 'CL_FORBIDDEN', 'CL_UNKNOWN_SITE'],
    example: {
      params: { siteId: 'shop.example.com' },
      body: { domains: ['shop.example.com', 'shop.example.org'], retention_days: 395 },
    },
  },
  'POST /v1/admin/backup': {
    summary: 'Back up the embedded store into a directory on the collector host',
    tag: 'Admin',
    auth: 'admin',
    body: BackupBody,
    success: { status: 200, description: 'The backup manifest.' },
    errors: ['CL_INVALID_REQUEST', 'CL_UNAUTHORIZED', 'CL_FORBIDDEN'],
    example: { body: { dir: '/var/backups/closeloop/2026-11-25' } },
  },
  'GET /healthz': {
    summary: 'Liveness: the process answers',
    tag: 'Operations',
    auth: 'none',
    success: { status: 200, description: '`{"status": "ok"}`' },
  },
  'GET /readyz': {
    summary:
      'Readiness: events can be acknowledged (the spool has room for some site); storage state, spool depth, insert lag',
    tag: 'Operations',
    auth: 'none',
    success: { status: 200, description: 'Ready; `503` when the spool is full.' },
  },
  'GET /metrics': {
    summary: 'Prometheus metrics',
    tag: 'Operations',
    auth: 'none',
    success: { status: 200, description: 'Prometheus text format.', type: 'text/plain' },
  },
  'GET /openapi.json': {
    summary: 'This document (built once; ETag)',
    tag: 'Operations',
    auth: 'none',
    success: { status: 200, description: 'OpenAPI 3.1' },
    errors: ['CL_RATE_LIMITED'],
  },
  'GET /docs': {
    summary: 'Interactive API reference',
    tag: 'Operations',
    auth: 'none',
    success: { status: 200, description: 'HTML', type: 'text/html' },
    errors: ['CL_RATE_LIMITED'],
  },
  'GET /docs/docs.css': {
    summary: 'Style of the API reference',
    tag: 'Operations',
    auth: 'none',
    success: { status: 200, description: 'CSS', type: 'text/css' },
    errors: ['CL_RATE_LIMITED'],
  },
  'GET /docs/try.js': {
    summary: 'Script of the API reference ("Try it")',
    tag: 'Operations',
    auth: 'none',
    success: { status: 200, description: 'JavaScript', type: 'application/javascript' },
    errors: ['CL_RATE_LIMITED'],
  },
  'GET /cl.js': {
    summary: 'The SDK bundle for the script tag',
    tag: 'Static',
    auth: 'none',
    success: { status: 200, description: 'JavaScript', type: 'application/javascript' },
  },
  'GET /cl.core.js': {
    summary: "The SDK's core variant (no automatic form and click capture)",
    tag: 'Static',
    auth: 'none',
    success: { status: 200, description: 'JavaScript', type: 'application/javascript' },
  },
  'GET /cl-consent.js': {
    summary: 'The optional consent notice for the script tag (shown while consent is pending)',
    tag: 'Static',
    auth: 'none',
    success: { status: 200, description: 'JavaScript', type: 'application/javascript' },
  },
  'GET /': {
    summary: 'Start page',
    tag: 'Static',
    auth: 'none',
    success: { status: 200, description: 'HTML', type: 'text/html' },
  },
  'POST /demo/forms/:form': {
    summary: "The demo site's own form handler (demo mode): redirects to the thank-you page",
    tag: 'Static',
    auth: 'none',
    success: { status: 303, description: 'Redirect to /demo/thanks.html' },
  },
};
