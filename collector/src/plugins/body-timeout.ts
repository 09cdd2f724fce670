/**
 * Infrastructure plugin: a request body must arrive within CLOSELOOP_REQUEST_TIMEOUT_S of its
 * headers. Node's own `requestTimeout` also covers this, but answers a bare 408 and only notices on
 * its periodic check; here every body is read through a stream with its own deadline, and a body
 * still trickling in then fails with `408 CL_REQUEST_TIMEOUT` through the one error handler, with
 * `Connection: close`, so a client sending one byte a second holds a connection for at most the
 * timeout. Requests without a body are not touched.
 */
import { PassThrough, type Readable } from 'node:stream';
import fp from 'fastify-plugin';
import { ClError } from '../errors.js';

type Counted = PassThrough & { receivedEncodedLength?: number };

const hasBody = (headers: Record<string, string | string[] | undefined>) =>
  headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');

export default fp<{ timeoutMs: number }>(
  async (app, { timeoutMs }) => {
    app.addHook('preParsing', async (req, reply, payload: Readable) => {
      if (!hasBody(req.headers)) return payload;
      const out: Counted = new PassThrough();
      let received = 0;
      const timer = setTimeout(() => {
        payload.unpipe(out);
        payload.pause();
        reply.header('connection', 'close');
        req.log.info({ received }, 'request body too slow: cut');
        out.destroy(new ClError('CL_REQUEST_TIMEOUT', `The request body did not arrive within ${timeoutMs / 1000} s (${received} bytes received); the connection is closed.`));
      }, timeoutMs);
      const done = () => clearTimeout(timer);
      payload.on('data', (chunk: Buffer) => {
        received += chunk.length;
        out.receivedEncodedLength = received;
      });
      payload.once('end', done);
      payload.once('close', done);
      payload.once('error', (err) => {
        done();
        out.destroy(err);
      });
      out.once('close', done);
      payload.pipe(out);
      return out;
    });
  },
  { name: 'body-timeout' },
);
