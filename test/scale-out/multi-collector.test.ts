/**
 * Several stateless collectors, one store: three collector processes (each its own data directory
 * and spool) behind Debian's nginx (`upstream`), writing to one ClickHouse server — the
 * chDB-backed test server in its own process. Load goes through nginx while
 *   1. one collector is killed with SIGKILL and restarted: every acknowledged event is stored once;
 *   2. the store is killed: the collectors keep acknowledging into their spools until those are
 *      full, then answer 503; the store is restarted on its data directory and port, and the
 *      spools drain: every acknowledged event is stored once.
 * The three collectors also start at once against an empty store (concurrent migrations).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../collector/src/schema/migrations.js';
import { startClickHouseServer, type ClickHouseServerProcess } from '../support/clickhouse-http/process.js';
import { exited, freePort, load, startCollector, startNginx, waitFor, type Collector } from './cluster.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'closeloop-scale-out-'));
// Small, so the store outage fills it within seconds, yet large enough (~2,400 events over the three) that the
// load, polled every 100 ms, cannot fill it before the store is killed (256 KiB could: ~600 events).
const COLLECTOR_ENV = { CLOSELOOP_SPOOL_MAX_BYTES: String(1024 * 1024) };
let store: ClickHouseServerProcess;
let collectors: Collector[] = [];
let ports: number[] = [];
let nginx: ReturnType<typeof startNginx>;
let base: string;

const collectorOpts = (i: number) => ({
  port: ports[i]!,
  dataDir: path.join(dir, `collector-${i}`),
  clickhouseUrl: store.url,
  env: COLLECTOR_ENV,
});

beforeAll(async () => {
  store = await startClickHouseServer({ dataDir: path.join(dir, 'store') });
  ports = await Promise.all([freePort(), freePort(), freePort()]);
  collectors = await Promise.all([0, 1, 2].map((i) => startCollector(collectorOpts(i))));
  const nginxPort = await freePort();
  nginx = startNginx(path.join(dir, 'nginx'), nginxPort, ports);
  base = `http://127.0.0.1:${nginxPort}`;
  await waitFor('nginx', async () => (await fetch(`${base}/healthz`)).ok);
}, 120_000);

afterAll(async () => {
  nginx?.kill('SIGTERM');
  for (const c of collectors) c.child.kill('SIGKILL');
  await Promise.all([...collectors.map((c) => exited(c.child)), ...(nginx ? [exited(nginx)] : [])]);
  await store?.stop();
});

/** Until every collector's spool is empty (written to the store). */
async function drained(ms = 60_000): Promise<void> {
  await waitFor(
    'spools drained',
    async () => {
      const all = await Promise.all(
        collectors.map(
          async (c) =>
            ((await (await fetch(`${c.base}/readyz`)).json()) as { spool: { pending_rows: number } }).spool
              .pending_rows,
        ),
      );
      return all.every((n) => n === 0);
    },
    ms,
  );
}

/** How often each acknowledged id is in the store's events table (no FINAL: duplicates show). */
async function storedOnce(
  acked: readonly string[],
): Promise<{ acknowledged: number; storedOnce: number; missing: number; duplicated: number }> {
  const client = createClient({ url: store.url });
  try {
    const rs = await client.query({
      query: 'SELECT toString(event_id) AS id, count() AS n FROM scaleout.events GROUP BY event_id',
      format: 'JSONEachRow',
    });
    const counts = new Map((await rs.json<{ id: string; n: string | number }>()).map((r) => [r.id, Number(r.n)]));
    const n = (id: string) => counts.get(id) ?? 0;
    return {
      acknowledged: acked.length,
      storedOnce: acked.filter((id) => n(id) === 1).length,
      missing: acked.filter((id) => n(id) === 0).length,
      duplicated: acked.filter((id) => n(id) > 1).length,
    };
  } finally {
    await client.close();
  }
}

const grows = (list: readonly unknown[], by: number) => {
  const target = list.length + by;
  return waitFor(`${by} more acknowledged events`, async () => list.length >= target, 30_000);
};

describe('three collectors behind nginx, one ClickHouse server', () => {
  it('the three, started at once on an empty store, applied every migration exactly once', async () => {
    const client = createClient({ url: store.url });
    try {
      const rs = await client.query({
        query: 'SELECT version, count() AS n FROM scaleout.schema_migrations GROUP BY version ORDER BY version',
        format: 'JSONEachRow',
      });
      const applied = await rs.json<{ version: number; n: string | number }>();
      expect(applied.length).toBe(MIGRATIONS.length);
      expect(applied.filter((r) => Number(r.n) !== 1)).toEqual([]); // counted without FINAL: a second application would show
    } finally {
      await client.close();
    }
  });

  it('a collector killed with SIGKILL mid-load and restarted: every acknowledged event stored exactly once', async () => {
    const traffic = load(base, 6);
    try {
      await grows(traffic.acked, 300);
      collectors[1]!.child.kill('SIGKILL');
      await exited(collectors[1]!.child);
      await grows(traffic.acked, 300); // the other two carry the load
      collectors[1] = await startCollector(collectorOpts(1)); // same data directory: its spool is replayed
      await grows(traffic.acked, 300);
    } finally {
      await traffic.stop();
    }
    await drained();
    const counts = await storedOnce(traffic.acked);
    console.log(
      `[scale-out] collector SIGKILL: ${JSON.stringify(counts)} responses ${JSON.stringify(Object.fromEntries(traffic.statuses))}`,
    );
    expect(counts).toEqual({
      acknowledged: traffic.acked.length,
      storedOnce: traffic.acked.length,
      missing: 0,
      duplicated: 0,
    });
  });

  it('the store killed mid-load: collectors acknowledge into their spools until full, then 503; after a restart everything drains once', async () => {
    const traffic = load(base, 6);
    let ackedBeforeKill = 0;
    let ackedDuringOutage = 0;
    try {
      await grows(traffic.acked, 200);
      ackedBeforeKill = traffic.acked.length;
      await store.kill();
      await waitFor('503 once the spools are full', async () => traffic.count(503) > 0, 60_000);
      ackedDuringOutage = traffic.acked.length - ackedBeforeKill;
    } finally {
      await traffic.stop();
    }
    expect(ackedDuringOutage).toBeGreaterThan(0);
    const full = await Promise.all(collectors.map(async (c) => (await fetch(`${c.base}/readyz`)).status));
    expect(full).toContain(503); // readyz: spool full

    store = await startClickHouseServer({ dataDir: store.dataDir, port: store.port });
    await drained(90_000);
    const counts = await storedOnce(traffic.acked);
    console.log(
      `[scale-out] store SIGKILL: ${JSON.stringify({ ...counts, ackedBeforeKill, ackedDuringOutage })} responses ${JSON.stringify(Object.fromEntries(traffic.statuses))}`,
    );
    expect(counts).toEqual({
      acknowledged: traffic.acked.length,
      storedOnce: traffic.acked.length,
      missing: 0,
      duplicated: 0,
    });
  });
});
