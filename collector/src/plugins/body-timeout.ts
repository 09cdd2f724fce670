/**
 * Slow bodies: a request body must arrive within CLOSELOOP_REQUEST_TIMEOUT_S of its headers. Node's
 * own `requestTimeout` also covers this, but answers a bare 408 (and only a little later: it is the
 * backstop, notably for slow headers); here a body still trickling in at its deadline fails with
 * `408 CL_REQUEST_TIMEOUT` through the one error handler, with `Connection: close`, so a client
 * sending one byte a second holds a connection for at most the timeout (plus one sweep interval).
 * Requests without a body are not watched.
 *
 * No timer or stream listener per request: `watch` notes the request in its connection's entry,
 * `release` (when its answer is sent) clears it, and one interval sweeps the entries, dropping those
 * whose request was answered or whose body has arrived (or whose connection ended) and cutting the
 * bodies past their deadline. Deadlines are counted in sweeps, so a body is cut between the timeout
 * and the timeout plus one interval (≤ 500 ms, well before Node's backstop at the timeout + 1 s). The
 * entries are those of connections with a request in flight, or answered since the last sweep.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { ClError } from '../base/errors.js';

/**
 * What is watched of one connection: the request whose body it is reading (HTTP/1.1 reads one body at a
 * time, in order: when a connection's next request is watched, the one before has its whole body).
 */
interface Watched {
  req: FastifyRequest | undefined;
  reply: FastifyReply | undefined;
  payload: Readable | undefined;
  /** The sweep count when the body was first awaited. */
  since: number;
}

const hasBody = (headers: Record<string, string | string[] | undefined>) =>
  headers['transfer-encoding'] !== undefined ||
  (headers['content-length'] !== undefined && headers['content-length'] !== '0');

const ignore = () => undefined;

const unwatch = (w: Watched) => {
  w.req = w.reply = w.payload = undefined;
};

export class BodyDeadlines {
  /**
   * Per connection (its socket), one entry its requests reuse: a request only sets and clears its
   * fields. With an entry per request (a map keyed by the request, added and deleted for each one),
   * most of each request's objects outlived V8's young-generation collections and were promoted to the
   * old generation, though the map never held more than the requests in flight (issue 16, measured at
   * 1 event/request with --trace-gc-nvp: 5.8 MB promoted per scavenge and 10 ms pauses, against 0.4 MB
   * and 2.4 ms so; 16,400–17,000 → 18,200–18,900 requests/s). The sweep drops the entries of
   * connections with nothing watched.
   */
  private readonly connections = new Map<object, Watched>();
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
    if (!hasBody(req.headers)) return;
    const connection = req.raw.socket;
    let w = this.connections.get(connection);
    if (!w) this.connections.set(connection, (w = { req, reply, payload, since: this.sweeps }));
    else {
      w.req = req;
      w.reply = reply;
      w.payload = payload;
      w.since = this.sweeps;
    }
  }

  /** The request is answered: nothing left to cut. */
  release(req: FastifyRequest): void {
    if (this.connections.size === 0) return;
    const w = this.connections.get(req.raw.socket);
    if (w?.req === req) unwatch(w);
  }

  /** How many connections have an entry (tests). */
  get watchedConnections(): number {
    return this.connections.size;
  }

  close(): void {
    clearInterval(this.sweeper);
    this.connections.clear();
  }

  private sweep(): void {
    this.sweeps++;
    for (const [connection, w] of this.connections) {
      const { req, reply, payload } = w;
      if (!req || req.raw.complete || req.raw.destroyed) this.connections.delete(connection);
      else if (this.sweeps - w.since >= this.lateAfter) {
        this.connections.delete(connection);
        unwatch(w);
        this.cut(req, reply!, payload!);
      }
    }
  }

  private cut(req: FastifyRequest, reply: FastifyReply, payload: Readable): void {
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
