/**
 * `buildApp(config)`: the collector as a Fastify instance, ready but not listening. Tests call it
 * directly (`inject()` or `listen({ port: 0 })`); server.ts / the CLI add signals and listen.
 */
import { logIp } from '../base/ip.js';
import { prettyStream } from './log-format.js';
import { redactedErr, redactUrl } from './log-redact.js';
import { requestLog } from './request-log.js';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { ErrorBody } from '../../../sdk/src/protocol.js';
import type { Config } from '../base/config.js';
import { ClError, Errors, isClError, type ErrorCode } from '../base/errors.js';
import path from 'node:path';
import rateLimit from '@fastify/rate-limit';
import auth from '../plugins/auth.js';
import tokens from '../plugins/tokens.js';
import requestHooks from '../plugins/request-hooks.js';
import clickhouse from '../plugins/clickhouse.js';
import metrics from '../plugins/metrics.js';
import sites from '../plugins/sites.js';
import { DEMO_SITE } from '../sites/demo.js';
import spool from '../plugins/spool.js';
import adminBackupRoutes from '../routes/admin-backup.js';
import adminSitesRoutes from '../routes/admin-sites.js';
import adminTokensRoutes from '../routes/admin-tokens.js';
import attributionRoutes from '../routes/attribution.js';
import conversionsRoutes from '../routes/conversions.js';
import dashboardRoutes from '../routes/dashboard.js';
import costsRoutes from '../routes/costs.js';
import openApiRoutes, { trackRoutes } from '../openapi/serve.js';
import privacyRoutes from '../routes/privacy.js';
import reportsRoutes from '../routes/reports.js';
import leadsRoutes from '../routes/leads.js';
import eventsRoutes from '../routes/events.js';
import healthRoutes from '../routes/health.js';
import queryRoutes from '../routes/query.js';
import staticRoutes from '../routes/static.js';

export interface BuildOptions {
  /** Pino logger options, or false for none (tests). Default: level from config. */
  logger?: boolean | { level: string };
  /** Where the configured logger writes (default stdout): tests read what the collector logs. */
  logStream?: { write(line: string): void };
}

/** Fastify's own error codes that mean the caller sent something wrong. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'CL_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'CL_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'CL_INVALID_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'CL_INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'CL_INVALID_JSON',
  FST_ERR_VALIDATION: 'CL_INVALID_REQUEST',
};

export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // JSON lines in production; readable lines in development (demo mode on a terminal).
    logger: opts.logger ?? {
      level: config.logLevel,
      // Client addresses only as configured (truncated by default), never in full unless asked.
      // No bodies; query values and email addresses redacted (log-redact.ts): logs are out of reach of an erasure.
      serializers: {
        req: (req: FastifyRequest) => ({
          method: req.method,
          url: redactUrl(req.url),
          host: req.host,
          remoteAddress: logIp(req.ip, config.logIp),
        }),
        err: redactedErr,
      },
      ...(opts.logStream
        ? { stream: opts.logStream }
        : config.demo && process.stdout.isTTY
          ? { stream: prettyStream(process.stdout) }
          : {}),
    },
    // Event batches get no access log in production below debug (request-log.ts).
    logController: requestLog(config),
    bodyLimit: config.maxBodyBytes,
    // Slow clients: headers and body within the request timeout (bodies are also cut, with a coded
    // 408, by plugins/body-timeout.ts, through plugins/request-hooks.ts; Node's own check is the
    // backstop, notably for slow headers), idle keep-alive connections and connections where nothing
    // moves are closed.
    requestTimeout: config.timeouts.requestMs + 1000,
    keepAliveTimeout: config.timeouts.keepAliveMs,
    connectionTimeout: config.timeouts.idleMs,
    http: {
      headersTimeout: config.timeouts.requestMs,
      connectionsCheckingInterval: Math.min(5000, Math.max(250, config.timeouts.requestMs / 4)),
    },
    // X-Forwarded-* only from the configured proxies (a client cannot claim another IP).
    trustProxy: config.trustProxy.length ? [...config.trustProxy] : false,
    requestIdHeader: 'x-request-id',
    return503OnClosing: true,
    // No limit on a plugin's start (Fastify's default is 10 s): the store plugin applies migrations,
    // and one that rewrites `events` takes minutes on a large store (or seconds on a busy machine).
    pluginTimeout: 0,
  });

  app.setErrorHandler((err: FastifyError | ClError, req, reply) => {
    const e = toClError(err);
    if (e.statusCode >= 500 && e.code !== 'CL_SPOOL_FULL') req.log.error({ err }, 'request failed');
    if (req.url.startsWith('/v1/events')) app.metrics?.eventsRejected.inc({ code: e.code });
    const body: ErrorBody = {
      statusCode: e.statusCode,
      code: e.code,
      error: STATUS_CODES[e.statusCode] ?? 'Error',
      message:
        e.statusCode >= 500 && e.code === 'CL_INTERNAL'
          ? `${Errors.CL_INTERNAL.message} Request id: ${req.id}`
          : e.message,
      ...(e.path !== undefined ? { path: e.path } : {}),
      ...(e.issues ? { issues: e.issues } : {}),
    };
    if (e.headers) reply.headers(e.headers);
    return reply.code(e.statusCode).send(body);
  });
  app.setNotFoundHandler((req) => {
    throw new ClError('CL_NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}.`);
  });

  trackRoutes(app);
  closeConnectionsWhenShuttingDown(app, config.shutdownGraceMs);
  await app.register(metrics);
  // The credential gate, the body timeout and the request metric: one hook of each kind.
  await app.register(requestHooks, { bodyTimeoutMs: config.timeouts.requestMs });
  await app.register(clickhouse, { config });
  await app.register(sites, { copyFile: path.join(config.dataDir, 'sites.json') });
  await app.register(spool, { config });
  await app.register(tokens);
  await app.register(auth, { adminToken: config.adminToken });
  await app.register(rateLimit, { global: false });
  if (config.demo) {
    await app.sites.ensure(DEMO_SITE).catch((err: unknown) => {
      app.log.warn({ err }, 'demo site not saved (ClickHouse unavailable); known to this process only');
      app.sites.remember(DEMO_SITE);
    });
  }

  await app.register(healthRoutes);
  await app.register(eventsRoutes, { config });
  await app.register(queryRoutes);
  await app.register(adminSitesRoutes);
  await app.register(adminTokensRoutes);
  await app.register(adminBackupRoutes);
  await app.register(conversionsRoutes);
  await app.register(leadsRoutes);
  await app.register(attributionRoutes);
  await app.register(costsRoutes);
  await app.register(reportsRoutes);
  await app.register(privacyRoutes);
  await app.register(openApiRoutes);
  await app.register(dashboardRoutes);
  await app.register(staticRoutes, { demo: config.demo });
  return app;
}

function toClError(err: FastifyError | ClError): ClError {
  if (isClError(err)) return err;
  const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
  if (mapped) return new ClError(mapped, mapped === 'CL_INVALID_REQUEST' ? err.message : undefined);
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
    return new ClError('CL_INVALID_JSON', `The request body is not valid JSON: ${err.message}`);
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
    return new ClError('CL_INVALID_REQUEST', err.message);
  return new ClError('CL_INTERNAL', undefined, { cause: err });
}

/**
 * On close, Fastify closes the connections idle at that moment; one busy then (an answer being
 * computed, a request still arriving) would stay open until the keep-alive timeout (72 s by
 * default) and hold the shutdown. So, once closing: connections that become idle are closed as
 * they do (checked every 100 ms; nothing is added to the request path), and after the shutdown
 * grace period whatever is still open is cut.
 */
function closeConnectionsWhenShuttingDown(app: FastifyInstance, graceMs: number): void {
  let idle: NodeJS.Timeout | undefined;
  let grace: NodeJS.Timeout | undefined;
  app.addHook('preClose', (done) => {
    idle = setInterval(() => app.server.closeIdleConnections(), 100).unref();
    grace = setTimeout(() => app.server.closeAllConnections(), graceMs).unref();
    done();
  });
  app.addHook('onClose', (_app, done) => {
    clearInterval(idle);
    clearTimeout(grace);
    done();
  });
}
