import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { buildApp } from './app.js';
import { requestLog } from './request-log.js';
import { addSite, batch, pageview, postEvents, testConfig } from './test-support.js';

/** A collector (production mode unless `demo`) whose JSON log lines are collected; answers what each request logged. */
async function logged(env: Record<string, string>, demo = false) {
  const lines: { msg?: string; req?: { url: string }; res?: { statusCode: number }; reqId?: string }[] = [];
  const app = await buildApp(testConfig({ CLOSELOOP_DEMO: String(demo), ...env }), {
    logStream: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  try {
    const key = demo ? 'pk_demo' : await addSite(app, 'a.example');
    lines.length = 0; // what the requests below logged
    const post = (body: unknown) => postEvents(app, body);
    const answers = [
      (await post(batch([pageview()], key))).statusCode,
      (await post({ ...batch([pageview()], key), events: 'x' })).statusCode,
      (await app.inject({ method: 'OPTIONS', url: '/v1/events', headers: { origin: 'https://a.example' } })).statusCode,
      (await app.inject({ method: 'GET', url: '/healthz' })).statusCode,
    ];
    expect(answers).toEqual([202, 400, 204, 200]);
    const urls = new Map(lines.filter((l) => l.req).map((l) => [l.reqId, l.req!.url]));
    return lines
      .filter((l) => l.msg === 'incoming request' || l.msg === 'request completed')
      .map((l) => `${urls.get(l.reqId)} ${l.msg}${l.res ? ` ${l.res.statusCode}` : ''}`);
  } finally {
    await app.close();
  }
}

describe('access log', () => {
  it('leaves event batches out in production at info — accepted, refused or preflight — and logs other requests', async () => {
    expect(await logged({ CLOSELOOP_LOG_LEVEL: 'info' })).toEqual([
      '/healthz incoming request',
      '/healthz request completed 200',
    ]);
  });

  it('logs event batches too in demo mode and at debug', async () => {
    const all = [
      '/v1/events incoming request',
      '/v1/events request completed 202',
      '/v1/events incoming request',
      '/v1/events request completed 400',
      '/v1/events incoming request',
      '/v1/events request completed 204',
      '/healthz incoming request',
      '/healthz request completed 200',
    ];
    expect(await logged({ CLOSELOOP_LOG_LEVEL: 'info' }, true)).toEqual(all);
    expect(await logged({ CLOSELOOP_LOG_LEVEL: 'debug' })).toEqual(all);
  });

  it('still logs an event batch that failed (5xx, or an error writing the answer)', () => {
    const log = { info: vi.fn(), error: vi.fn() };
    const request = { routeOptions: { url: '/v1/events' }, log } as unknown as FastifyRequest;
    const reply = (statusCode: number) => ({ statusCode, log, elapsedTime: 1 }) as unknown as FastifyReply;
    const controller = requestLog({ demo: false, logLevel: 'info' });
    controller.incomingRequest(request, reply(202));
    controller.requestCompleted(null, request, reply(202));
    controller.requestCompleted(null, request, reply(400));
    expect(log.info).not.toHaveBeenCalled();
    controller.requestCompleted(null, request, reply(503));
    expect(log.info).toHaveBeenCalledTimes(1);
    controller.requestCompleted(new Error('socket hang up'), request, reply(202));
    expect(log.error).toHaveBeenCalledTimes(1);
  });
});
