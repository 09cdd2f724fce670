/**
 * `GET /openapi.json`: the collector's OpenAPI document (openapi/document.ts); `GET /docs`: the
 * interactive reference rendered from it (openapi/docs-page.ts, with /docs/try.js and /docs/docs.css); and
 * `trackRoutes(app)`: the list of every route the app registers, so that a test can check each
 * one is documented.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { readFile } from 'node:fs/promises';
import { openApiDocument } from '../openapi/document.js';
import { DOCS_CSS, docsPage } from '../openapi/docs-page.js';
import { DOCS_CLIENT } from '../paths.js';

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

const openApiRoutes: FastifyPluginAsync = async (app) => {
  app.get('/openapi.json', async (req) => openApiDocument(`${req.protocol}://${req.host}`));
  app.get('/docs', async (req, reply) => reply.type('text/html; charset=utf-8').send(docsPage(openApiDocument(`${req.protocol}://${req.host}`))));
  app.get('/docs/docs.css', async (_req, reply) => reply.type('text/css; charset=utf-8').send(DOCS_CSS));
  let client: Buffer | undefined;
  app.get('/docs/try.js', async (_req, reply) => {
    client ??= await readFile(DOCS_CLIENT).catch(() => undefined);
    if (!client) return reply.code(503).type('text/plain').send('// not built: run `npm run build`\n');
    return reply.type('application/javascript; charset=utf-8').send(client);
  });
};

export default openApiRoutes;
