/**
 * A collector whose ClickHouse does not answer still acknowledges events from its spool, up to
 * the spool cap (then 503 CL_SPOOL_FULL with Retry-After); started again against a working store
 * (embedded), it writes them all, once. Also: the per-IP-and-site rate limit.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROME_UA, batch, pageview, sql, testApp, testConfig } from './test-support.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'closeloop-unreachable-'));
const apps: FastifyInstance[] = [];
afterAll(async () => {
  for (const a of apps) await a.close().catch(() => undefined);
});

const post = (app: FastifyInstance, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA, ...headers },
    payload: JSON.stringify(payload),
  });

describe('ClickHouse unreachable', () => {
  it('accepts into the spool until the cap (then 503 + Retry-After), and a restart against a working store drains it exactly once', async () => {
    const down = await testApp(
      testConfig(
        {
          CLICKHOUSE_URL: 'http://127.0.0.1:1',
          CLOSELOOP_SPOOL_MAX_BYTES: String(64 * 1024),
          CLOSELOOP_SHUTDOWN_GRACE_S: '0',
        },
        dataDir,
      ),
    );
    apps.push(down);
    const acked: string[] = [];
    let full: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 200 && !full; i++) {
      const events = Array.from({ length: 5 }, () => pageview());
      const res = await post(down, batch(events));
      if (res.statusCode === 202) acked.push(...events.map((e) => e.id));
      else full = res;
    }
    expect(acked.length).toBeGreaterThan(20);
    expect(full?.statusCode).toBe(503);
    expect(full?.json()).toMatchObject({ code: 'CL_SPOOL_FULL' });
    expect(Number(full?.headers['retry-after'])).toBeGreaterThan(0);
    const ready = await down.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'spool full', storage: 'unreachable' });
    await down.close();

    const up = await testApp(testConfig({}, dataDir));
    apps.push(up);
    const list = acked.map((id) => `'${id}'`).join(',');
    const [r] = await sql<{ rows: string; distinct: string }>(
      up,
      `SELECT count() AS rows, uniqExact(event_id) AS distinct FROM events WHERE event_id IN (${list})`,
    );
    expect({ rows: Number(r!.rows), distinct: Number(r!.distinct) }).toEqual({
      rows: acked.length,
      distinct: acked.length,
    });
    // And new events are accepted again.
    expect((await post(up, batch([pageview()]))).statusCode).toBe(202);
  });

  it('rate-limits event requests per client IP and site key with 429 CL_RATE_LIMITED and Retry-After', async () => {
    const app = await testApp(
      testConfig({ CLICKHOUSE_URL: 'http://127.0.0.1:1', CLOSELOOP_RATE_LIMIT: '5', CLOSELOOP_SHUTDOWN_GRACE_S: '0' }),
    );
    apps.push(app);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(app, batch([pageview()]))).statusCode);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    const limited = await post(app, batch([pageview()]));
    expect(limited.json()).toMatchObject({ statusCode: 429, code: 'CL_RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another site key from the same IP has its own budget (unknown here, so 404 rather than 429).
    expect((await post(app, batch([pageview()], 'pk_other'))).statusCode).toBe(404);
    const metrics = await app.inject('/metrics');
    expect(metrics.body).toMatch(/closeloop_events_rejected_total\{code="CL_RATE_LIMITED"\} 2/);
  });

  it('believes X-Forwarded-For only from the configured proxy: the rate limit follows the real client', async () => {
    const app = await testApp(
      testConfig({
        CLICKHOUSE_URL: 'http://127.0.0.1:1',
        CLOSELOOP_RATE_LIMIT: '2',
        CLOSELOOP_SHUTDOWN_GRACE_S: '0',
        CLOSELOOP_TRUST_PROXY: '10.0.0.2',
      }),
    );
    apps.push(app);
    const send = (remoteAddress: string, forwardedFor: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/events',
        remoteAddress,
        headers: { 'content-type': 'text/plain', 'x-forwarded-for': forwardedFor },
        payload: JSON.stringify(batch([pageview()])),
      });
    // Through the proxy: each client has its own budget.
    expect([
      (await send('10.0.0.2', '203.0.113.1')).statusCode,
      (await send('10.0.0.2', '203.0.113.1')).statusCode,
      (await send('10.0.0.2', '203.0.113.1')).statusCode,
    ]).toEqual([202, 202, 429]);
    expect((await send('10.0.0.2', '203.0.113.2')).statusCode).toBe(202);
    // Not from the proxy: a claimed X-Forwarded-For is ignored, the socket address counts.
    expect([
      (await send('198.51.100.7', '203.0.113.3')).statusCode,
      (await send('198.51.100.7', '203.0.113.4')).statusCode,
      (await send('198.51.100.7', '203.0.113.5')).statusCode,
    ]).toEqual([202, 202, 429]);
  });
});
