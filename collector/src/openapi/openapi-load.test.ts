/**
 * A flood of unauthenticated document requests does not cost ingestion: while 50 concurrent clients
 * fetch `/openapi.json` over and over (no ETag; ≈ 100 a second, most answered by the per-IP limit
 * with a short 429), every `POST /v1/events` is acknowledged and the document is built once for the
 * whole run — it used to be rebuilt per request (~30 ms of CPU each, which made this load take
 * seconds per event). The event latency, idle and with the flood (interleaved rounds, p99 against
 * p99), is printed for the reader, not asserted: timings on a shared machine belong to benchmarks.
 * The flood runs in its own process, so only the collector's side of it competes with the events.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHROME_UA, batch, pageview, testApp, testConfig } from '../app/test-support.js';

/** How often the document was built (the real builder, counted). */
const builds = vi.hoisted(() => ({ count: 0 }));
vi.mock('./document.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./document.js')>();
  return {
    ...real,
    openApiDocument: (...args: Parameters<typeof real.openApiDocument>) => {
      builds.count++;
      return real.openApiDocument(...args);
    },
  };
});

const ROUNDS = 2;
const SAMPLES = 20;
const CONCURRENCY = 50;
/** Each client's pause between an answer and its next request: 50 requests at once, ≈ 100 a second. */
const PAUSE_MS = 500;

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  app = await testApp(testConfig({ CLOSELOOP_INSERT_INTERVAL_MS: '50' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(() => app?.close());

/**
 * `CONCURRENCY` keep-alive connections in a child process, each asking for the document again
 * PAUSE_MS after the previous answer is complete (raw sockets: the client itself costs little CPU on
 * this shared machine). Resolves once answers flow; `served()` counts the answers so far.
 */
function flood(): Promise<{ child: ChildProcess; served: () => number }> {
  const script = `
    const net = require('node:net');
    const [port, n, PAUSE_MS] = process.argv.slice(1).map(Number);
    let served = 0;
    const request = 'GET /openapi.json HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n';
    for (let i = 0; i < n; i++) {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
      let buf = Buffer.alloc(0);
      socket.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        for (;;) {
          const end = buf.indexOf('\\r\\n\\r\\n');
          if (end === -1) return;
          const len = Number(/content-length: *(\\d+)/i.exec(buf.subarray(0, end).toString())?.[1] ?? 0);
          if (buf.length < end + 4 + len) return;
          buf = buf.subarray(end + 4 + len);
          served++;
          setTimeout(() => socket.write(request), PAUSE_MS);
        }
      });
      socket.on('error', () => process.exit(1));
    }
    setInterval(() => process.stdout.write(served + '\\n'), 100);`;
  const child = spawn(process.execPath, ['-e', script, new URL(base).port, String(CONCURRENCY), String(PAUSE_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let served = 0;
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      served = Number(d.toString().trim().split('\n').at(-1));
      if (served >= CONCURRENCY) resolve({ child, served: () => served });
    });
    child.once('exit', (code) => reject(new Error(`flood exited with ${code}`)));
  });
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill();
  });

/** Latencies of `SAMPLES` sequential event posts, ms. */
async function eventLatencies(): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const body = JSON.stringify(batch([pageview()]));
    const t0 = performance.now();
    const res = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA },
      body,
    });
    await res.arrayBuffer();
    ms.push(performance.now() - t0);
    expect(res.status).toBe(202);
  }
  return ms;
}

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(0.99 * xs.length) - 1]!;

describe('/openapi.json under load', () => {
  it(`${CONCURRENCY} concurrent /openapi.json clients: every event acknowledged, the document built once`, async () => {
    for (let i = 0; i < 20; i++)
      await fetch(`${base}/v1/events`, { method: 'POST', body: JSON.stringify(batch([pageview()])) }); // warm up (JIT, the spool's first segment)
    const idle: number[] = [];
    const loaded: number[] = [];
    let documents = 0;
    // Interleaved, so that whatever else the machine does falls on both sides alike; p99 over all rounds.
    for (let round = 0; round < ROUNDS; round++) {
      idle.push(...(await eventLatencies()));
      const { child, served } = await flood();
      try {
        loaded.push(...(await eventLatencies()));
      } finally {
        documents += served();
        await stop(child);
      }
    }
    const ratio = p99(loaded) / p99(idle);
    console.log(
      `event p99 idle ${p99(idle).toFixed(1)} ms, with the flood ${p99(loaded).toFixed(1)} ms (${ROUNDS} × ${SAMPLES} posts each): ratio ${ratio.toFixed(2)}; ${documents} documents answered meanwhile`,
    );
    expect(documents).toBeGreaterThanOrEqual(ROUNDS * CONCURRENCY); // the load was real: every client answered each round
    expect(builds.count).toBe(1);
  }, 120_000);
});
