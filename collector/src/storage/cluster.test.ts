/**
 * CLICKHOUSE_CLUSTER: the cluster DDL parses with ClickHouse's own parser; the same layout with
 * plain MergeTree engines is created and migrated in chDB, under a two-shard `remote_servers`
 * config whose shards are both local; the attribution queries run through the Distributed tables
 * there. chDB's local shards are one table (see docs/scaling.md), so only query plans are checked:
 * no claim about placement or deduplication comes from this test.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareModels } from '../attribution/report.js';
import { roiReport } from '../attribution/roi.js';
import { DEFAULT_WINDOW } from '../attribution/models.js';
import { deleteTarget, forCluster, REPLICATED_TABLES, SHARDED_TABLES } from './cluster.js';
import type { Db, QueryParams } from './db.js';
import { MIGRATIONS, migrate } from '../schema/migrations.js';

interface Session {
  queryAsync(sql: string, opts?: { format?: string }): Promise<{ text(): string }>;
  queryBindAsync(sql: string, params: object, opts?: { format?: string }): Promise<{ text(): string }>;
  close(): void;
}
const { Session } = createRequire(import.meta.url)('chdb') as {
  Session: new (dir: string, opts?: { connectionArgs: string[] }) => Session;
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'closeloop-cluster-'));
writeFileSync(
  path.join(dir, 'config.xml'),
  `<clickhouse>
  <tcp_port>9000</tcp_port>
  <remote_servers><two_shards>
    <shard><replica><host>localhost</host><port>9000</port></replica></shard>
    <shard><replica><host>127.0.0.1</host><port>9000</port></replica></shard>
  </two_shards></remote_servers>
  <macros><shard>01</shard><replica>node-1</replica></macros>
</clickhouse>`,
);
const session = new Session(path.join(dir, 'data'), {
  connectionArgs: [`--config-file=${path.join(dir, 'config.xml')}`],
});
afterAll(() => session.close());

const rows = <T>(text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);

/** The Db interface over the chDB session (the test needs the session's config file, which openDb does not take). */
const db: Db = {
  kind: 'embedded',
  database: 'cl',
  async query<T>(sql: string, params?: QueryParams) {
    const opts = { format: 'JSONEachRow' };
    return rows<T>((await (params ? session.queryBindAsync(sql, params, opts) : session.queryAsync(sql, opts))).text());
  },
  async command(sql: string, params?: QueryParams) {
    await (params ? session.queryBindAsync(sql, params) : session.queryAsync(sql));
  },
  async insert(table: string, values: readonly object[]) {
    await this.insertRaw(table, values.map((v) => JSON.stringify(v)).join('\n'));
  },
  async insertRaw(table: string, body: Buffer | string) {
    await session.queryAsync(`INSERT INTO cl.${table} FORMAT JSONEachRow\n${body.toString()}`);
  },
  insertBinary: () => Promise.reject(new Error('not used here')),
  ping: async () => true,
  withReadonly: () => Promise.reject(new Error('not used here')),
  close: async () => undefined,
};

const clusterStatements = (engines: 'replicated' | 'plain') =>
  MIGRATIONS.flatMap((m) =>
    m.statements('cl').flatMap((sql) => forCluster(sql, 'cl', { cluster: 'two_shards', engines })),
  );

describe('CLICKHOUSE_CLUSTER layout', () => {
  it("every generated statement parses with ClickHouse's parser (formatQuery)", async () => {
    // …and the privacy erasure's DELETE on a sharded table (each shard's local table) and a replicated one.
    const statements = [
      ...clusterStatements('replicated'),
      `DELETE FROM ${deleteTarget('cl', 'events', 'two_shards')} WHERE site_id = {site:String}`,
      `DELETE FROM ${deleteTarget('cl', 'identities', 'two_shards')} WHERE site_id = {site:String}`,
    ];
    for (const sql of statements) {
      const [r] = await db.query<{ q: string }>('SELECT formatQuery({sql:String}) AS q', { sql });
      expect(r!.q.length, sql).toBeGreaterThan(0);
    }
    const text = statements.join('\n');
    expect(text).toContain('CREATE TABLE IF NOT EXISTS cl.events_local');
    expect(text).toMatch(
      /ENGINE = ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/\{shard\}\/cl\/events_local', '\{replica\}'\)/,
    );
    expect(text).toContain(
      "CREATE TABLE IF NOT EXISTS cl.events AS cl.events_local ENGINE = Distributed('two_shards', 'cl', 'events_local', sipHash64(site_id, visitor_id))",
    );
    expect(text).toMatch(
      /ENGINE = ReplicatedAggregatingMergeTree\('\/clickhouse\/tables\/\{shard\}\/cl\/sessions_local', '\{replica\}'\)/,
    );
    // Small tables: one replicated table on every node (no {shard} in the path), with the engine's own arguments kept.
    expect(text).toMatch(
      /ENGINE = ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/all\/cl\/stages', '\{replica\}', version\)/,
    );
    for (const t of REPLICATED_TABLES) expect(text, t).toContain(`/clickhouse/tables/all/cl/${t}'`);
    // Views are fed by the local shard, and sessions stay on it.
    expect(text).toMatch(/sessions_from_events TO cl\.sessions_local AS[\s\S]*FROM cl\.events_local/);
    expect(text).toMatch(/identities_from_events TO cl\.identities AS[\s\S]*FROM cl\.events_local/);
    // Per host, never ON CLUSTER; the migrations' own bookkeeping stays local.
    expect(text).toContain("DELETE FROM cl.events_local ON CLUSTER 'two_shards' WHERE");
    expect(text).toContain('DELETE FROM cl.identities WHERE');
    expect(clusterStatements('replicated').join('\n')).not.toMatch(/ON CLUSTER/);
    expect(statements.some((s) => /schema_migrations|migration_lock/.test(s))).toBe(false);
  });

  it('creates and migrates the same layout with plain MergeTree engines in chDB, twice without change', async () => {
    const applied = await migrate(db, MIGRATIONS, { cluster: 'two_shards', engines: 'plain' });
    expect(applied).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await migrate(db, MIGRATIONS, { cluster: 'two_shards', engines: 'plain' })).toEqual([]);
    const engines = new Map(
      (
        await db.query<{ name: string; engine: string }>("SELECT name, engine FROM system.tables WHERE database = 'cl'")
      ).map((r) => [r.name, r.engine]),
    );
    for (const t of SHARDED_TABLES) {
      expect(engines.get(t), t).toBe('Distributed');
      expect(engines.get(`${t}_local`), t).toMatch(/MergeTree$/);
    }
    for (const t of REPLICATED_TABLES) expect(engines.get(t), t).toMatch(/MergeTree$/);
    // The Distributed table has every column of its shard table (ALTERs went to both).
    const columns = async (t: string) =>
      (
        await db.query<{ name: string }>(
          `SELECT name FROM system.columns WHERE database = 'cl' AND table = '${t}' ORDER BY name`,
        )
      ).map((r) => r.name);
    expect(await columns('events')).toEqual(await columns('events_local'));
    expect(await columns('events')).toContain('retention_days');
  });

  it('runs every attribution model and the ROI report through the Distributed tables (query plans)', async () => {
    // A little data in the shard tables, so the plans read them (written locally: placement is not tested here).
    await db.command(`INSERT INTO cl.events_local (site_id, event_id, type, ts, visitor_id, session_id, session_start, session_ts, url, channel, landing_url)
      SELECT 'demo', generateUUIDv4(), 'pageview', now64(3), generateUUIDv4(), generateUUIDv4(), true, now64(3), 'http://shop.test/', 'Email', 'http://shop.test/' FROM numbers(10)`);
    const plans: { sql: string; plan: string }[] = [];
    const explaining: Db = {
      ...db,
      async query<T>(sql: string, params?: QueryParams) {
        const plan = await db.query<{ explain: string }>(`EXPLAIN ${sql}`, params);
        plans.push({ sql, plan: plan.map((r) => r.explain).join('\n') });
        return [] as T[];
      },
    };
    const scope = { siteId: 'demo', from: Date.now() - 86_400_000, to: Date.now() + 60_000, window: DEFAULT_WINDOW };
    await compareModels(explaining, { ...scope, conversion: 'lead', groupBy: 'channel' });
    await roiReport(explaining, { ...scope, groupBy: 'campaign', model: 'linear', timeZone: 'UTC' });
    // Every query over visits (events, sessions and the views on them) reads both shards' local tables.
    const overVisits = plans.filter((p) => /cl\.(events|sessions|touchpoints|attributed_touches)\b/.test(p.sql));
    const fannedOut = overVisits.filter((p) => /Union/.test(p.plan) && /(sessions|events)_local/.test(p.plan));
    console.log(
      `[cluster] ${plans.length} attribution queries planned, ${overVisits.length} over visits, ${fannedOut.length} of them through both local shards`,
    );
    expect(overVisits.length).toBeGreaterThanOrEqual(3);
    expect(fannedOut.length, overVisits.map((p) => p.plan).join('\n----\n')).toBe(overVisits.length);
  });
});
