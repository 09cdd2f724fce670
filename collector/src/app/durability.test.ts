/**
 * Durability with real embedded ClickHouse: every acknowledged event is stored exactly once —
 * under concurrent load, through a storage outage (DETACH TABLE), across a graceful restart.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClEvent } from '../../../sdk/src/protocol.js';
import type { Config } from '../base/config.js';
import { CHROME_UA, batch, pageview, sql, testApp, testConfig } from './test-support.js';

let config: Config;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  config = testConfig({ CLOSELOOP_INSERT_INTERVAL_MS: '20', CLOSELOOP_INSERT_MAX_ROWS: '2000' });
  app = await testApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  await app?.close();
});

const send = (events: ClEvent[]) =>
  fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA },
    body: JSON.stringify(batch(events)),
  });

/** Rows and distinct event ids among `ids` (no FINAL: duplicates would show). */
async function stored(ids: string[]): Promise<{ rows: number; distinct: number }> {
  const all = await sql<{ id: string; n: string }>(
    app,
    'SELECT toString(event_id) AS id, count() AS n FROM events GROUP BY event_id',
  );
  const counts = new Map(all.map((r) => [r.id, Number(r.n)]));
  const found = ids.filter((id) => counts.has(id));
  return { rows: found.reduce((n, id) => n + counts.get(id)!, 0), distinct: found.length };
}

describe('durable ingestion', () => {
  it('load: 20 concurrent clients × 40 batches of 5 events — every acknowledged event stored exactly once', async () => {
    const acked: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let b = 0; b < 40; b++) {
          const events = Array.from({ length: 5 }, () => pageview());
          const res = await send(events);
          expect(res.status).toBe(202);
          acked.push(...events.map((e) => e.id));
        }
      }),
    );
    expect(acked).toHaveLength(4000);
    expect(await stored(acked)).toEqual({ rows: 4000, distinct: 4000 });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    // Counted exactly (the per-request counts are summed and handed to prom-client when read: plugins/metrics.ts).
    expect(metrics).toContain('closeloop_events_accepted_total{site="demo"} 4000');
    expect(metrics).toContain('closeloop_http_requests_total{method="POST",route="/v1/events",status="202"} 800');
    expect(metrics).toMatch(/closeloop_insert_batch_rows_count\{table="events"\} \d+/);
    // Group commit: far fewer inserts than requests.
    const inserts = Number(/closeloop_insert_batch_rows_count\{table="events"\} (\d+)/.exec(metrics)![1]);
    expect(inserts).toBeLessThan(800);
    expect(metrics).toContain('closeloop_spool_pending_rows 0');
  });

  it('outage: with the events table detached, 202 continues from the spool; after ATTACH everything drains once', async () => {
    await app.db.command(`DETACH TABLE ${app.db.database}.events`);
    const acked: string[] = [];
    try {
      for (let i = 0; i < 30; i++) {
        const events = Array.from({ length: 10 }, () => pageview());
        const res = await send(events);
        expect(res.status).toBe(202);
        acked.push(...events.map((e) => e.id));
      }
      // Wait for the writer's first failed insert (the outage seen), not for a fixed time.
      type Ready = { status: string; spool: { pending_rows: number; last_error?: string } };
      const ready = await vi.waitFor(
        async () => {
          const r = (await (await fetch(`${base}/readyz`)).json()) as Ready;
          expect(r.spool.last_error).toBeTruthy();
          return r;
        },
        { timeout: 30_000, interval: 20 },
      );
      expect(ready.status).toBe('ready');
      expect(ready.spool.pending_rows).toBe(300);
      expect(ready.spool.last_error).toMatch(/events/);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(Number(/closeloop_insert_errors_total (\d+)/.exec(metrics)![1])).toBeGreaterThan(0);
      expect(Number(/closeloop_spool_pending_rows (\d+)/.exec(metrics)![1])).toBe(300);
    } finally {
      await app.db.command(`ATTACH TABLE ${app.db.database}.events`);
    }
    expect(await app.spool.drained(30_000)).toBe(true);
    expect(await stored(acked)).toEqual({ rows: 300, distinct: 300 });
  });

  it('rows ClickHouse refuses as data go to dead_letters with the reason; the spool keeps flowing', async () => {
    await app.spool.append('events', [{ event_id: 'not-a-uuid', ts: 'yesterday' }]);
    const e = pageview();
    expect((await send([e])).status).toBe(202);
    expect(await stored([e.id])).toEqual({ rows: 1, distinct: 1 });
    const dead = await sql<{ stage: string; reason: string; payload: string }>(
      app,
      'SELECT stage, reason, payload FROM dead_letters',
    );
    expect(dead).toHaveLength(1);
    expect(dead[0]!.stage).toBe('insert');
    expect(dead[0]!.payload).toContain('not-a-uuid');
    expect(dead[0]!.reason.length).toBeGreaterThan(10);
  });

  it('graceful close writes the spool, and a restart on the same data directory replays nothing twice', async () => {
    const events = Array.from({ length: 50 }, () => pageview());
    const pending = Promise.all(Array.from({ length: 10 }, (_, i) => send(events.slice(i * 5, i * 5 + 5))));
    expect((await pending).map((r) => r.status)).toEqual(Array(10).fill(202));
    await app.close();
    app = await testApp(config);
    expect(await stored(events.map((e) => e.id))).toEqual({ rows: 50, distinct: 50 });
  });
});
