/**
 * Slow clients over a real socket: a body trickling in at one byte a second, headers trickling in,
 * and an idle keep-alive connection are all disconnected within their configured timeouts (checked
 * as "closed before 3× the timeout", never as a measured duration). And anonymous server API calls
 * are answered before their body is read (plugins/credential-gate.ts). And the deadlines' bookkeeping
 * on its own (below).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { testApp, testConfig } from '../app/test-support.js';
import { BodyDeadlines } from './body-timeout.js';

const TIMEOUT_S = 2;
let app: FastifyInstance;
let port = 0;

beforeAll(async () => {
  app = await testApp(
    testConfig({ CLOSELOOP_REQUEST_TIMEOUT_S: String(TIMEOUT_S), CLOSELOOP_KEEP_ALIVE_TIMEOUT_S: '1' }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
});
afterAll(() => app?.close());

/** Opens a connection, sends `head` then one byte of `drip` a second; resolves with what came back once the server closes it. */
function slowClient(head: string, drip: string, limitMs: number): Promise<{ closed: boolean; answer: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let i = 0;
    const tick = setInterval(() => {
      if (i < drip.length && socket.writable) socket.write(drip[i++]!);
    }, 1000);
    const limit = setTimeout(() => finish(false), limitMs);
    const finish = (closed: boolean) => {
      clearInterval(tick);
      clearTimeout(limit);
      socket.destroy();
      resolve({ closed, answer });
    };
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
    socket.write(head);
  });
}

describe('timeouts', () => {
  it('a body sent one byte a second is cut with 408 CL_REQUEST_TIMEOUT and the connection closed', async () => {
    const head = `POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 500\r\n\r\n`;
    const { closed, answer } = await slowClient(
      head,
      '{"site":"pk_demo","events":['.padEnd(500, ' '),
      3 * TIMEOUT_S * 1000,
    );
    expect(closed, 'still connected after 3× the timeout').toBe(true);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toMatch(/connection: close/i);
    expect(answer).toContain('"code":"CL_REQUEST_TIMEOUT"');
  });

  it('headers sent one byte a second are cut too', async () => {
    const { closed } = await slowClient(
      'G',
      'ET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaa\r\n\r\n',
      3 * TIMEOUT_S * 1000 + 5000,
    );
    expect(closed, 'still connected after the timeout and a check interval').toBe(true);
  });

  it('an idle keep-alive connection is closed after the keep-alive timeout; others are served meanwhile', async () => {
    const { closed, answer } = await slowClient(
      'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n',
      '',
      3 * 1000,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(closed).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});

describe('credential gate', () => {
  it('refuses a server API call without credentials before reading its body', async () => {
    // Headers announce 1 MB, no body byte follows: the answer must not wait for it.
    const head =
      'POST /v1/query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n';
    const { answer } = await slowClient(head, '', TIMEOUT_S * 1000 - 500);
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('"code":"CL_UNAUTHORIZED"');
  });

  it('counts each refusal, as every answer, in closeloop_http_requests_total', async () => {
    const count = async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const m = /closeloop_http_requests_total\{method="POST",route="\/v1\/query",status="401"\} (\d+)/.exec(text);
      return Number(m?.[1] ?? 0);
    };
    const before = await count();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/v1/query`, { method: 'POST', body: '{"sql":"SELECT 1"}' });
      expect(res.status).toBe(401);
      await res.arrayBuffer();
    }
    expect(await count()).toBe(before + 3);
  });
});

const UNIT_TIMEOUT_MS = 100; // swept every 25 ms, late after 5 sweeps

function request(socket: object, headers: Record<string, string> = { 'content-length': '10' }) {
  const raw = { socket, complete: false, destroyed: false };
  const req = { headers, raw, log: { info: () => undefined } } as unknown as FastifyRequest;
  const reply = { header: vi.fn() } as unknown as FastifyReply;
  const payload = new EventEmitter() as unknown as Readable;
  const errors: Error[] = [];
  payload.on('error', (e: Error) => errors.push(e));
  return { req, raw, reply, payload, errors };
}

/**
 * BodyDeadlines on its own, with stand-in requests and fake timers: one entry per connection that its
 * requests reuse, the later of two requests on one connection still watched when the earlier one is
 * answered, and no entry left once requests are answered and swept.
 */
describe('body deadlines', () => {
  let deadlines: BodyDeadlines;
  beforeEach(() => {
    vi.useFakeTimers();
    deadlines = new BodyDeadlines(UNIT_TIMEOUT_MS);
  });
  afterEach(() => {
    deadlines.close();
    vi.useRealTimers();
  });

  it('keeps one entry per connection, whatever the number of its requests', () => {
    const socket = {};
    for (let i = 0; i < 50; i++) {
      const r = request(socket);
      deadlines.watch(r.req, r.reply, r.payload);
      deadlines.release(r.req);
    }
    const other = request({});
    deadlines.watch(other.req, other.reply, other.payload);
    expect(deadlines.watchedConnections).toBe(2);
    vi.advanceTimersByTime(25); // a sweep: the answered connection's entry goes, the one still reading stays
    expect(deadlines.watchedConnections).toBe(1);
    deadlines.release(other.req);
    vi.advanceTimersByTime(25);
    expect(deadlines.watchedConnections).toBe(0);
  });

  it("cuts the later of two requests on one connection when the earlier one's answer comes first", () => {
    const socket = {};
    const first = request(socket);
    deadlines.watch(first.req, first.reply, first.payload);
    first.raw.complete = true; // its body arrived; the connection goes on to the next request (pipelined)
    const second = request(socket);
    deadlines.watch(second.req, second.reply, second.payload);
    deadlines.release(first.req); // must not forget the second one's deadline
    vi.advanceTimersByTime(UNIT_TIMEOUT_MS + 50);
    expect(second.errors.map((e) => (e as { code?: string }).code)).toEqual(['CL_REQUEST_TIMEOUT']);
    expect(second.reply.header).toHaveBeenCalledWith('connection', 'close');
    expect(first.errors).toEqual([]);
    expect(deadlines.watchedConnections).toBe(0);
  });

  it('leaves alone a body that arrived in time, a request without a body and a closed connection', () => {
    const arrived = request({});
    const bodiless = request({}, {});
    const closed = request({});
    for (const r of [arrived, bodiless, closed]) deadlines.watch(r.req, r.reply, r.payload);
    expect(deadlines.watchedConnections).toBe(2); // no entry for the request without a body
    arrived.raw.complete = true;
    closed.raw.destroyed = true;
    vi.advanceTimersByTime(UNIT_TIMEOUT_MS + 50);
    for (const r of [arrived, bodiless, closed]) expect(r.errors).toEqual([]);
    expect(deadlines.watchedConnections).toBe(0);
  });
});
