/**
 * The credential gate: a server API call without credentials is refused before its body is read.
 * Every `/v1/…` route that takes a body needs a bearer credential, except `POST /v1/events` (the
 * public key is in the body); without an `Authorization` header such a request gets
 * `401 CL_UNAUTHORIZED` at once, so an anonymous client cannot make the collector read and parse
 * megabytes of JSON per request. (Whether the credential is valid, and for what, the routes decide.)
 * Run for every request by the app's one `preParsing` hook (plugins/request-hooks.ts).
 */
import type { FastifyRequest } from 'fastify';
import { ClError } from '../base/errors.js';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The refusal for an anonymous server API call with a body, or undefined: the request may go on. */
export function anonymousCallRefusal(req: FastifyRequest): ClError | undefined {
  if (req.headers.authorization !== undefined || !WITH_BODY.has(req.method)) return undefined;
  const url = req.url;
  if (!url.startsWith('/v1/')) return undefined;
  const query = url.indexOf('?');
  if ((query < 0 ? url : url.slice(0, query)) === '/v1/events') return undefined;
  return new ClError(
    'CL_UNAUTHORIZED',
    'A site secret key (sk_…) or the admin token is required (Authorization: Bearer <key>).',
  );
}
