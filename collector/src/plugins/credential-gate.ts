/**
 * Infrastructure plugin: a server API call without credentials is refused before its body is
 * read. Every `/v1/…` route that takes a body needs a bearer credential, except `POST /v1/events`
 * (the public key is in the body); without an `Authorization` header such a request gets
 * `401 CL_UNAUTHORIZED` at once, so an anonymous client cannot make the collector read and parse
 * megabytes of JSON per request. (Whether the credential is valid, and for what, the routes decide.)
 */
import fp from 'fastify-plugin';
import { ClError } from '../base/errors.js';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export default fp(
  async (app) => {
    // A plain callback hook (no promise per request: it runs on every event request too).
    app.addHook('onRequest', (req, _reply, done) => {
      if (!WITH_BODY.has(req.method) || req.headers.authorization !== undefined) return done();
      const path = req.url.split('?')[0]!;
      if (path.startsWith('/v1/') && path !== '/v1/events')
        return done(
          new ClError(
            'CL_UNAUTHORIZED',
            'A site secret key (sk_…) or the admin token is required (Authorization: Bearer <key>).',
          ),
        );
      done();
    });
  },
  { name: 'credential-gate' },
);
