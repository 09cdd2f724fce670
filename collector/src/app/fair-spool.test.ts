/**
 * One site cannot starve another, with real embedded ClickHouse over real HTTP. A flooding site
 * sends many big batches while ClickHouse takes nothing (its events table detached): it is refused
 * with 503 CL_SITE_SPOOL_FULL once it holds its share of the spool, while another site's events
 * keep being acknowledged and /readyz stays 200; after the store is back, every acknowledged event
 * of both sites is stored exactly once. And the per-site request budget: a flood of requests from
 * one site gets 429 CL_SITE_RATE_LIMITED, another site's requests are still taken.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClEvent } from '../../../sdk/src/protocol.js';
import { ADMIN_TOKEN, CHROME_UA, batch, pageview, testApp, testConfig } from './test-support.js';

const apps: FastifyInstance[] = [];
afterAll(async () => {
  for (const a of apps) await a.close().catch(() => undefined);
});

/** One embedded store per process: the previous test's app is closed first. */
async function listening(overrides: Record<string, string>): Promise<{ app: FastifyInstance; base: string }> {
  for (const a of apps.splice(0)) await a.close();
  const app = await testApp(testConfig(overrides));
  apps.push(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  return { app, base: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` };
}

const send = (base: string, key: string, events: ClEvent[]) =>
  fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA },
    body: JSON.stringify(batch(events, key)),
  });

async function addSite(app: FastifyInstance, domain: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/admin/sites',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: { domain },
  });
  expect(res.statusCode).toBe(201);
  return (res.json() as { public_key: string }).public_key;
}

/** A big batch: `n` page views with long URLs (each row ≈ 2 KB once enriched). */
const bigBatch = (n: number) =>
  Array.from({ length: n }, () => pageview({ url: `http://localhost/flood/${randomUUID()}/${'p'.repeat(1500)}` }));

describe('fair share of the spool', () => {
  it('a flooding site gets 503 CL_SITE_SPOOL_FULL, another site is still acknowledged, /readyz stays 200; all acknowledged stored once', async () => {
    // 4 MiB spool, 25 % per site (1 MiB): a few of the flooder's batches fit, then its share is full.
    const { app, base } = await listening({
      CLOSELOOP_SPOOL_MAX_BYTES: String(4 * 1024 ** 2),
      CLOSELOOP_SPOOL_SITE_SHARE: '25',
      CLOSELOOP_MAX_BODY_BYTES: String(256 * 1024),
    });
    const flood = await addSite(app, 'flood.example');
    const d = app.db.database;
    const acked = { flood: [] as string[], quiet: [] as string[] };
    const refused: { status: number; code: string; retryAfter: string | null }[] = [];
    await app.db.command(`DETACH TABLE ${d}.events`);
    try {
      // 4 flooders × 8 big batches, the quiet site's small batches interleaved.
      const flooders = Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 8; i++) {
          const events = bigBatch(60);
          const res = await send(base, flood, events);
          if (res.status === 202) acked.flood.push(...events.map((e) => e.id));
          else
            refused.push({
              status: res.status,
              code: ((await res.json()) as { code: string }).code,
              retryAfter: res.headers.get('retry-after'),
            });
        }
      });
      const quiet = (async () => {
        for (let i = 0; i < 30; i++) {
          const events = [pageview(), pageview()];
          const res = await send(base, 'pk_demo', events);
          expect(res.status, await res.text()).toBe(202);
          acked.quiet.push(...events.map((e) => e.id));
        }
      })();
      await Promise.all([...flooders, quiet]);

      expect(refused.length).toBeGreaterThan(10);
      for (const r of refused) expect(r).toMatchObject({ status: 503, code: 'CL_SITE_SPOOL_FULL' });
      expect(Number(refused[0]!.retryAfter)).toBeGreaterThan(0);
      expect(acked.flood.length).toBeGreaterThan(0);
      expect(app.spool.siteBytes('flood.example')).toBeLessThanOrEqual(1024 ** 2);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready' });
      // The quiet site still has room even now.
      const late = [pageview()];
      expect((await send(base, 'pk_demo', late)).status).toBe(202);
      acked.quiet.push(late[0]!.id);
    } finally {
      await app.db.command(`ATTACH TABLE ${d}.events`);
    }
    expect(await app.spool.drained(60_000)).toBe(true);
    for (const ids of [acked.quiet, acked.flood]) {
      const [r] = await app.db.query<{ rows: string; distinct: string }>(
        `SELECT count() AS rows, uniqExact(event_id) AS distinct FROM ${d}.events WHERE event_id IN {ids:Array(UUID)}`,
        { ids },
      );
      expect({ rows: Number(r!.rows), distinct: Number(r!.distinct) }).toEqual({
        rows: ids.length,
        distinct: ids.length,
      });
    }
    // Drained: the flooder is acknowledged again.
    expect((await send(base, flood, bigBatch(10))).status).toBe(202);
  });

  it('a flood of requests from one site gets 429 CL_SITE_RATE_LIMITED with Retry-After; another site is still taken', async () => {
    const { app, base } = await listening({ CLOSELOOP_SITE_RATE_LIMIT: '20' });
    const flood = await addSite(app, 'flood.example');
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        for (let i = 0; i < 8; i++) statuses.push((await send(base, flood, [pageview()])).status);
      }),
    );
    expect(statuses.filter((s) => s === 202).length).toBeLessThanOrEqual(21);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(19);
    const limited = await send(base, flood, [pageview()]);
    expect(await limited.json()).toMatchObject({ statusCode: 429, code: 'CL_SITE_RATE_LIMITED' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await send(base, 'pk_demo', [pageview()])).status).toBe(202);
  });
});
