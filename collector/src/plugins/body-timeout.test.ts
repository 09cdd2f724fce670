/**
 * Slow clients over a real socket: a body trickling in at one byte a second, headers trickling in,
 * and an idle keep-alive connection are all disconnected within their configured timeouts (checked
 * as "closed before 3× the timeout", never as a measured duration). And anonymous server API calls
 * are answered before their body is read (plugins/credential-gate.ts).
 */
import type { FastifyInstance } from 'fastify';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, testConfig } from '../app/test-support.js';

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
