/**
 * Slow bodies: a request body must arrive within CLOSELOOP_REQUEST_TIMEOUT_S of its headers. Node's
 * own `requestTimeout` also covers this, but answers a bare 408 (and only a little later: it is the
 * backstop, notably for slow headers); here a body still trickling in at its deadline fails with
 * `408 CL_REQUEST_TIMEOUT` through the one error handler, with `Connection: close`, so a client
 * sending one byte a second holds a connection for at most the timeout (plus one sweep interval).
 * Requests without a body are not watched.
 *
 * No timer or stream listener per request: `watch` notes the request in a map, `release` (when its
 * answer is sent) takes it out, and one interval sweeps the map, dropping requests whose body has
 * arrived (or whose connection ended) and cutting those past their deadline. Deadlines are counted
 * in sweeps, so a body is cut between the timeout and the timeout plus one interval (≤ 500 ms, well
 * before Node's backstop at the timeout + 1 s). The map holds only requests still in flight.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { ClError } from '../base/errors.js';

interface Watched {
  reply: FastifyReply;
  payload: Readable;
  /** The sweep count when the body was first awaited. */
  since: number;
}

const hasBody = (headers: Record<string, string | string[] | undefined>) =>
  headers['transfer-encoding'] !== undefined ||
  (headers['content-length'] !== undefined && headers['content-length'] !== '0');

const ignore = () => undefined;

export class BodyDeadlines {
  private readonly watched = new Map<FastifyRequest, Watched>();
  private sweeps = 0;
  /** Sweeps after which a body still arriving is late (≥ the timeout whenever it was first awaited). */
  private readonly lateAfter: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly timeoutMs: number) {
    const every = Math.min(500, Math.max(25, Math.ceil(timeoutMs / 4)));
    this.lateAfter = Math.ceil(timeoutMs / every) + 1;
    this.sweeper = setInterval(() => this.sweep(), every).unref();
  }

  /** From now on, the body of `req` (read from `payload`) has until its deadline. */
  watch(req: FastifyRequest, reply: FastifyReply, payload: Readable): void {
    if (hasBody(req.headers)) this.watched.set(req, { reply, payload, since: this.sweeps });
  }

  /** The request is answered: nothing left to cut. */
  release(req: FastifyRequest): void {
    if (this.watched.size) this.watched.delete(req);
  }

  close(): void {
    clearInterval(this.sweeper);
    this.watched.clear();
  }

  private sweep(): void {
    this.sweeps++;
    for (const [req, w] of this.watched) {
      if (req.raw.complete || req.raw.destroyed) this.watched.delete(req);
      else if (this.sweeps - w.since >= this.lateAfter) {
        this.watched.delete(req);
        this.cut(req, w);
      }
    }
  }

  private cut(req: FastifyRequest, { reply, payload }: Watched): void {
    reply.header('connection', 'close');
    req.log.info('request body too slow: cut');
    // The body parser listens for errors on the payload: it stops reading and the one error
    // handler answers 408. Whatever the stream reports after that (the connection closing) is moot.
    payload.on('error', ignore);
    payload.emit(
      'error',
      new ClError(
        'CL_REQUEST_TIMEOUT',
        `The request body did not arrive within ${this.timeoutMs / 1000} s; the connection is closed.`,
      ),
    );
  }
}
