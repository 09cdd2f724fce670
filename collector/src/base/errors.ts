/**
 * The one registry of errors a caller of the collector can see. Every code is stable: clients,
 * dashboards and alerts key off it. Add new codes, never rename or renumber existing ones.
 */

export interface ErrorSpec {
  readonly code: string;
  readonly statusCode: number;
  readonly message: string;
}

function spec(code: string, statusCode: number, message: string): ErrorSpec {
  return Object.freeze({ code, statusCode, message });
}

export const Errors = Object.freeze({
  CL_INVALID_JSON: spec('CL_INVALID_JSON', 400, 'The request body is not valid JSON.'),
  CL_INVALID_EVENT: spec('CL_INVALID_EVENT', 400, 'The event batch does not match the v1 wire format.'),
  CL_INVALID_REQUEST: spec('CL_INVALID_REQUEST', 400, 'The request does not match what this route accepts.'),
  CL_UNAUTHORIZED: spec('CL_UNAUTHORIZED', 401, 'A valid admin token is required (Authorization: Bearer <token>).'),
  CL_UNKNOWN_SITE: spec('CL_UNKNOWN_SITE', 404, 'No site has this key.'),
  CL_NOT_FOUND: spec('CL_NOT_FOUND', 404, 'No such route.'),
  CL_SITE_EXISTS: spec('CL_SITE_EXISTS', 409, 'A site with this id already exists.'),
  CL_BODY_TOO_LARGE: spec('CL_BODY_TOO_LARGE', 413, 'The request body is larger than the collector accepts.'),
  CL_UNSUPPORTED_MEDIA_TYPE: spec('CL_UNSUPPORTED_MEDIA_TYPE', 415, 'Send the body as application/json or text/plain.'),
  CL_QUERY_FAILED: spec('CL_QUERY_FAILED', 400, 'ClickHouse rejected the query.'),
  CL_QUERY_NOT_READONLY: spec('CL_QUERY_NOT_READONLY', 403, 'Only read-only statements may run through /v1/query.'),
  CL_QUERY_MULTI_STATEMENT: spec('CL_QUERY_MULTI_STATEMENT', 400, 'Send exactly one SQL statement.'),
  CL_QUERY_NOT_ALLOWED: spec(
    'CL_QUERY_NOT_ALLOWED',
    403,
    "Only a SELECT over closeloop's tables may run through /v1/query: no INTO OUTFILE, FORMAT, SETTINGS, and no function that reads files, URLs or other databases.",
  ),
  CL_QUERY_LIMIT: spec('CL_QUERY_LIMIT', 422, 'The query exceeded a limit (time, memory or result rows).'),
  CL_FORBIDDEN: spec(
    'CL_FORBIDDEN',
    403,
    'This key may not do that (a site key only works for its own site and scope).',
  ),
  CL_ORIGIN_NOT_ALLOWED: spec('CL_ORIGIN_NOT_ALLOWED', 403, "The request's Origin is not one of the site's domains."),
  CL_RATE_LIMITED: spec('CL_RATE_LIMITED', 429, 'Too many requests; slow down (see Retry-After).'),
  CL_SITE_RATE_LIMITED: spec(
    'CL_SITE_RATE_LIMITED',
    429,
    "This site sends more event requests than its share of the collector's rate; slow down (see Retry-After).",
  ),
  CL_REQUEST_TIMEOUT: spec(
    'CL_REQUEST_TIMEOUT',
    408,
    'The request body did not arrive in time; the connection is closed.',
  ),
  CL_SITE_SPOOL_FULL: spec(
    'CL_SITE_SPOOL_FULL',
    503,
    'This site holds its whole share of unstored events; retry later (see Retry-After). Other sites are still accepted.',
  ),
  CL_SPOOL_FULL: spec(
    'CL_SPOOL_FULL',
    503,
    'The collector holds as many unstored events as it may; retry later (see Retry-After).',
  ),
  CL_STORAGE_UNAVAILABLE: spec('CL_STORAGE_UNAVAILABLE', 503, 'Storage is unavailable; retry later.'),
  CL_INTERNAL: spec('CL_INTERNAL', 500, 'Internal error.'),
  CL_CONFIG_INVALID: spec('CL_CONFIG_INVALID', 500, 'The configuration is invalid.'),
} as const);

export type ErrorCode = keyof typeof Errors;

export interface ErrorIssue {
  path: string;
  message: string;
}

/** An error whose code, status and message are safe to show to the caller. */
export class ClError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly path?: string;
  readonly issues?: ErrorIssue[];
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    message?: string,
    extra: { path?: string; issues?: ErrorIssue[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message ?? Errors[code].message, { cause: extra.cause });
    this.name = 'ClError';
    this.code = code;
    this.statusCode = Errors[code].statusCode;
    if (extra.path !== undefined) this.path = extra.path;
    if (extra.issues !== undefined) this.issues = extra.issues;
    if (extra.headers !== undefined) this.headers = extra.headers;
  }
}

export function isClError(e: unknown): e is ClError {
  return e instanceof ClError;
}

/** The answer of @fastify/rate-limit's `errorResponseBuilder`: CL_RATE_LIMITED with Retry-After. */
export function rateLimitedError(_req: unknown, ctx: { ttl: number }): ClError {
  return new ClError('CL_RATE_LIMITED', undefined, {
    headers: { 'retry-after': String(Math.max(1, Math.ceil(ctx.ttl / 1000))) },
  });
}
