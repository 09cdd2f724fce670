/**
 * Cluster topology (CLICKHOUSE_CLUSTER): the same migrations, rewritten for a ClickHouse cluster.
 *
 * - `events` and `sessions` are sharded by `sipHash64(site_id, visitor_id)`: every node holds a
 *   `<table>_local` (Replicated*MergeTree, Keeper path per `{shard}`) and a `Distributed` table
 *   under the usual name, which inserts route and queries fan out through. One visitor's events
 *   and sessions live on one shard, so the views that turn events into sessions run locally.
 * - The small tables (`sites`, `identities`, `stages`, `deals`, `costs`, `dead_letters`,
 *   `privacy_requests`) are one replicated table with a full copy on every node (Keeper path
 *   without `{shard}`), so per-person work (identities → people → attribution) joins locally.
 * - `schema_migrations` and the migration lock stay local: migrations run on every host, one
 *   collector at a time per host, never `ON CLUSTER` (a collector migrates the host it talks to;
 *   start one against each host after an upgrade — see docs/scaling.md).
 * - Materialized views read the local shard (`events_local`) and write `sessions_local` (same
 *   shard) or a replicated small table.
 *
 * `engines: 'plain'` keeps this layout with non-replicated engines: chDB cannot run Replicated
 * tables, so the tests create and migrate that variant and check the replicated one with the parser.
 */

export const SHARDED_TABLES: readonly string[] = ['events', 'sessions'];
export const REPLICATED_TABLES: readonly string[] = [
  'sites',
  'identities',
  'stages',
  'deals',
  'costs',
  'dead_letters',
  'privacy_requests',
];
/**
 * Staging tables of a sharded table's rewrite, named by the migration's version (events-layout.ts:
 * `events_v33`): one per shard, swapped with `<table>_local`, whose Keeper path they then keep.
 */
export const REWRITE_TABLE = /^(events|sessions)_v\d+$/;
export const SHARDING_KEY = 'sipHash64(site_id, visitor_id)';

export interface Topology {
  readonly cluster: string;
  /** 'replicated' (production) or 'plain' (same layout, MergeTree engines: for chDB tests). */
  readonly engines?: 'replicated' | 'plain';
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The statements a migration statement becomes on a cluster (one or two). */
export function forCluster(sql: string, database: string, topology: Topology): string[] {
  if (!NAME.test(topology.cluster)) throw new Error(`invalid cluster name ${topology.cluster}`);
  const d = database;
  const create = new RegExp(`^\\s*CREATE TABLE IF NOT EXISTS ${d}\\.(\\w+)\\b`).exec(sql);
  if (create) {
    const table = create[1]!;
    const sharded = SHARDED_TABLES.includes(table);
    // A rewrite's staging table (events-layout.ts) is a shard table swapped in later: local, no Distributed.
    const staging = REWRITE_TABLE.test(table);
    if (!sharded && !staging && !REPLICATED_TABLES.includes(table)) return [sql];
    const local = sharded ? `${table}_local` : table;
    const path =
      sharded || staging ? `/clickhouse/tables/{shard}/${d}/${local}` : `/clickhouse/tables/all/${d}/${local}`;
    const out = sql
      .replace(`${d}.${table}`, `${d}.${local}`)
      .replace(/ENGINE = (\w*MergeTree)(?:\(([^()]*)\))?/, (_, engine: string, args?: string) =>
        topology.engines === 'plain'
          ? `ENGINE = ${engine}${args ? `(${args})` : ''}`
          : `ENGINE = Replicated${engine}('${path}', '{replica}'${args ? `, ${args}` : ''})`,
      );
    if (!sharded) return [out];
    return [out, distributed(d, table, topology.cluster)];
  }
  const exchange = new RegExp(`^\\s*EXCHANGE TABLES ${d}\\.(\\w+) AND ${d}\\.(\\w+)\\s*$`).exec(sql);
  if (exchange && SHARDED_TABLES.includes(exchange[1]!)) {
    // The shard's table is swapped, then its Distributed table made again with the new columns (one
    // left with the old ones by a start that died in between still reads and writes every column).
    const table = exchange[1]!;
    return [
      `EXCHANGE TABLES ${d}.${table}_local AND ${d}.${exchange[2]}`,
      `DROP TABLE IF EXISTS ${d}.${table}`,
      distributed(d, table, topology.cluster),
    ];
  }
  const alter = new RegExp(`^\\s*ALTER TABLE ${d}\\.(\\w+)\\b`).exec(sql);
  if (alter && SHARDED_TABLES.includes(alter[1]!)) {
    const table = alter[1]!;
    const local = sql.replace(`${d}.${table}`, `${d}.${table}_local`);
    // The Distributed table mirrors the columns (without codecs, which it does not store); TTL and settings are the shard's.
    if (!/^\s*ALTER TABLE \S+\s+(ADD|DROP|MODIFY|RENAME) COLUMN/i.test(sql)) return [local];
    return [local, sql.replace(/\s+CODEC\((?:[^()]|\([^()]*\))*\)/g, '')];
  }
  if (/^\s*CREATE OR REPLACE VIEW \S+\.events_with_touch\b/.test(sql)) {
    // Its join reads each shard's own session starts (a visitor's events all live on one shard).
    return [sql.replace(new RegExp(`(JOIN\\s*\\(\\s*SELECT[^()]*?FROM) ${d}\\.events\\b`), `$1 ${d}.events_local`)];
  }
  if (/^\s*CREATE MATERIALIZED VIEW/i.test(sql)) {
    // Fed by the local shard's inserts; a sharded target is the same shard's local table.
    return [
      sql
        .replace(new RegExp(`\\bFROM ${d}\\.events\\b`, 'g'), `FROM ${d}.events_local`)
        .replace(new RegExp(`\\bTO ${d}\\.sessions\\b`), `TO ${d}.sessions_local`),
    ];
  }
  if (/^\s*INSERT INTO/i.test(sql)) {
    // A backfill copies each shard's own rows (every host runs it; identical rows merge away).
    return [sql.replace(new RegExp(`\\b${d}\\.(events|sessions)\\b`, 'g'), `${d}.$1_local`)];
  }
  return [sql];
}

/** The Distributed table over a sharded table's local tables. */
function distributed(d: string, table: string, cluster: string): string {
  return `CREATE TABLE IF NOT EXISTS ${d}.${table} AS ${d}.${table}_local ENGINE = Distributed('${cluster}', '${d}', '${table}_local', ${SHARDING_KEY})`;
}

/** The table a lightweight DELETE names: sharded tables are deleted from on every shard's local table. */
export function deleteTarget(database: string, table: string, cluster: string | undefined): string {
  if (!cluster || !SHARDED_TABLES.includes(table)) return `${database}.${table}`;
  return `${database}.${table}_local ON CLUSTER '${cluster}'`;
}
