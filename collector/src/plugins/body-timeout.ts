/**
 * Infrastructure plugin: a request body must arrive within CLOSELOOP_REQUEST_TIMEOUT_S of its
 * headers. Node's own `requestTimeout` also covers this, but answers a bare 408 and only notices on
 * its periodic check; here every body has its own deadline, and a body still trickling in then
 * fails with `408 CL_REQUEST_TIMEOUT` through the one error handler, with
 * `Connection: close`, so a client sending one byte a second holds a connection for at most the
 * timeout. Requests without a body are not touched.
 */
import type { Readable } from 'node:stream';
import fp from 'fastify-plugin';
import { ClError } from '../base/errors.js';

const hasBody = (headers: Record<string, string | string[] | undefined>) =>
  headers['transfer-encoding'] !== undefined ||
  (headers['content-length'] !== undefined && headers['content-length'] !== '0');

const ignore = () => undefined;

export default fp<{ timeoutMs: number }>(
  async (app, { timeoutMs }) => {
    // A plain callback hook (no promise per request: it runs on every event request).
    app.addHook('preParsing', (req, reply, payload: Readable, next) => {
      if (!hasBody(req.headers)) return next(null, payload);
      const timer = setTimeout(() => {
        reply.header('connection', 'close');
        req.log.info('request body too slow: cut');
        // The body parser listens for errors on the payload: it stops reading and the one error
        // handler answers 408. Whatever the stream reports after that (the connection closing) is moot.
        payload.on('error', ignore);
        payload.emit(
          'error',
          new ClError(
            'CL_REQUEST_TIMEOUT',
            `The request body did not arrive within ${timeoutMs / 1000} s; the connection is closed.`,
          ),
        );
      }, timeoutMs);
      const done = () => clearTimeout(timer);
      payload.once('end', done);
      payload.once('close', done);
      next(null, payload);
    });
  },
  { name: 'body-timeout' },
);
