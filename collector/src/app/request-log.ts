/**
 * Which requests get an access log ("incoming request" and "request completed", at `info`). Event
 * batches (`/v1/events`, two per page view) do not, in production below `debug`: at load that was
 * two log lines per request — at 1 event/request 11,100–11,200 requests/s with them against
 * 12,100–13,500 without (interleaved runs, 2 cores), ~4 MB of logs a second — and each line copies a
 * client address and a page's URL into logs no erasure reaches.
 * Their failures still are logged (the error handler logs every 5xx; so does this, with its status),
 * and every refusal is counted (`closeloop_events_rejected_total{code}`, `closeloop_http_requests_total`).
 * In demo mode, or at `debug` / `trace`, every request is logged: a developer sees the events arrive.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from '../base/config.js';

/** Routes whose successful requests are not access-logged in production below `debug`. */
const QUIET_ROUTES: ReadonlySet<string> = new Set(['/v1/events']);

const quiet = (req: FastifyRequest) => QUIET_ROUTES.has(req.routeOptions.url ?? '');

class QuietEventRequests extends LogController {
  override incomingRequest(request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    if (!quiet(request)) super.incomingRequest(request, reply, metadata);
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    if (error || reply.statusCode >= 500 || !quiet(request)) super.requestCompleted(error, request, reply, metadata);
  }
}

/** The access log for this configuration (Fastify's `logController`). */
export function requestLog(config: Pick<Config, 'demo' | 'logLevel'>): LogController {
  return config.demo || config.logLevel === 'debug' || config.logLevel === 'trace'
    ? new LogController()
    : new QuietEventRequests();
}
