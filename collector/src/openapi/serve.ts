/**
 * `GET /openapi.json`: the collector's OpenAPI document (openapi/document.ts); `GET /docs`: the
 * interactive reference rendered from it (openapi/docs-page.ts, with /docs/try.js and /docs/docs.css); and
 * `trackRoutes(app)`: the list of every route the app registers, so that a test can check each
 * one is documented.
 *
 * These routes need no credentials, so each answer is built once (on first request) and then
 * served from memory with an ETag, and each client IP may ask DOCS_RATE_PER_MINUTE times a minute
 * (then a cheap 429): a flood of them never slows down event ingestion. The document names its server relatively (`/`), so the answer
 * does not depend on the request's Host header (nothing a client sends can vary what is cached).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { readFile } from 'node:fs/promises';
import { openApiDocument } from './document.js';
import { DOCS_CSS, docsPage } from './docs-page.js';
import { rateLimitedError } from '../base/errors.js';
import { DOCS_CLIENT } from '../base/paths.js';

export interface RegisteredRoute {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    registeredRoutes: RegisteredRoute[];
  }
}

/** Call before any route is registered. */
export function trackRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method: String(method), url: r.url });
  });
}

/** The /docs page loads only its own stylesheet and script (no inline code) and may not be framed. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Cached {
  body: Buffer;
  type: string;
  etag: string;
}

const cached = (body: string | Buffer, type: string): Cached => {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return { body: buf, type, etag: `"${createHash('sha256').update(buf).digest('base64url').slice(0, 27)}"` };
};

/** Build once, on first use. */
function once<T>(build: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: build() }).v;
}

function send(req: FastifyRequest, reply: FastifyReply, c: Cached): FastifyReply {
  reply
    .header('etag', c.etag)
    .header('cache-control', 'public, max-age=300')
    .header('x-content-type-options', 'nosniff');
  if (req.headers['if-none-match'] === c.etag) return reply.code(304).send();
  return reply.type(c.type).send(c.body);
}

/** Requests per minute per client IP for each of these routes (people read docs; nobody needs more). */
export const DOCS_RATE_PER_MINUTE = 120;

const openApiRoutes: FastifyPluginAsync = async (app) => {
  const limited = {
    config: {
      rateLimit: {
        max: DOCS_RATE_PER_MINUTE,
        timeWindow: 60_000,
        errorResponseBuilder: rateLimitedError,
      },
    },
  };
  const doc = once(() => openApiDocument('/'));
  const json = once(() => cached(JSON.stringify(doc()), 'application/json; charset=utf-8'));
  const page = once(() => cached(docsPage(doc()), 'text/html; charset=utf-8'));
  const css = once(() => cached(DOCS_CSS, 'text/css; charset=utf-8'));
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.url.startsWith('/docs'))
      reply
        .header('content-security-policy', DOCS_CSP)
        .header('x-frame-options', 'DENY')
        .header('referrer-policy', 'no-referrer');
    return payload;
  });
  app.get('/openapi.json', limited, async (req, reply) => send(req, reply, json()));
  app.get('/docs', limited, async (req, reply) => send(req, reply, page()));
  app.get('/docs/docs.css', limited, async (req, reply) => send(req, reply, css()));
  // Read from dist once; until the build exists, a short 503 (read again on the next request).
  let client: Cached | undefined;
  app.get('/docs/try.js', limited, async (req, reply) => {
    if (!client) {
      const code = await readFile(DOCS_CLIENT).catch(() => undefined);
      if (!code) return reply.code(503).type('text/plain').send('// not built: run `npm run build`\n');
      client = cached(code, 'application/javascript; charset=utf-8');
    }
    return send(req, reply, client);
  });
};

export default openApiRoutes;
