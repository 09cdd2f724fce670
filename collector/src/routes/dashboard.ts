/**
 * The dashboard at `/dashboard/`: a static page (collector/dashboard: index.html, dashboard.css)
 * and its ES modules under `/dashboard/js/` (compiled to dist/dashboard with the root contract/ they
 * import: the page loads `js/collector/dashboard/src/main.js`, which imports `js/contract/…`). It signs in with the
 * admin token and reads the same `/v1/…` API as everyone else, so it has no server-side logic;
 * a strict Content-Security-Policy holds because the page has no inline script or style.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { DASHBOARD_DIR, DASHBOARD_JS_DIR } from '../base/paths.js';

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Only the page and its assets: not the TypeScript sources or tsconfig that live beside them. */
const PAGE_FILES = /^\/(?:index\.html|[\w-]+\.(?:css|svg|png|ico))?$/;

const dashboardRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.headers({
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
    return payload;
  });
  app.get('/dashboard', async (_req, reply) => reply.redirect('/dashboard/', 301));
  await app.register(fastifyStatic, {
    root: DASHBOARD_DIR,
    prefix: '/dashboard/',
    index: 'index.html',
    cacheControl: false,
    allowedPath: (pathName) => PAGE_FILES.test(pathName),
  });
  await app.register(fastifyStatic, {
    root: DASHBOARD_JS_DIR,
    prefix: '/dashboard/js/',
    decorateReply: false,
    cacheControl: false,
    allowedPath: (pathName) => /^(?:\/[\w-]+)+\.js$/.test(pathName),
  });
};

export default dashboardRoutes;
