/**
 * Infrastructure plugin: the app-wide hooks every request runs through, one per kind. Fastify runs
 * a hook runner (a few closures) per kind of hook a route has, for every request, even when the
 * hook does nothing for it; so the app's own per-request work shares one hook of each kind:
 * - `preParsing` (before the body is read): the credential gate (plugins/credential-gate.ts), then
 *   the body's deadline (plugins/body-timeout.ts);
 * - `onResponse`: the request counted in `closeloop_http_requests_total` (plugins/metrics.ts), and
 *   its body no longer watched.
 * Plain callbacks (no promise per request). Register after the metrics plugin.
 */
import fp from 'fastify-plugin';
import { BodyDeadlines } from './body-timeout.js';
import { anonymousCallRefusal } from './credential-gate.js';

export default fp<{ bodyTimeoutMs: number }>(
  async (app, { bodyTimeoutMs }) => {
    const deadlines = new BodyDeadlines(bodyTimeoutMs);
    app.addHook('preParsing', (req, reply, payload, next) => {
      const refusal = anonymousCallRefusal(req);
      if (refusal) return next(refusal);
      deadlines.watch(req, reply, payload);
      next(null, payload);
    });
    app.addHook('onResponse', (req, reply, done) => {
      deadlines.release(req);
      app.metrics.countRequest(req.method, req.routeOptions.url, reply.statusCode);
      done();
    });
    app.addHook('onClose', (_app, done) => {
      deadlines.close();
      done();
    });
  },
  { name: 'request-hooks', dependencies: ['metrics'] },
);
