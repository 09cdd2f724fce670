/**
 * One measured load run against a target of collector-throughput.ts, and what it checks afterwards:
 * the collector's inserts (its /metrics), the spool drained, every acknowledged event stored once.
 */
import { randomBytes } from 'node:crypto';
import { COLLECTOR_NODE_FLAGS } from '../../collector/src/base/node-flags.js';
import { cpuSeconds, fmt, memory, resetPeak, run, tsArgs } from '../lib.js';

/** What support/load-worker.ts prints. */
export interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  non202: number;
  sent: number;
  acked: number;
  ranges: [number, number][];
  seconds: number;
  cpu: number;
  /** Non-202 answers by status code. */
  statuses: Record<string, number>;
}
export interface Inserts {
  count: number;
  rows: number;
  seconds: number;
}
export interface Run {
  id: string;
  load: Load;
  cpu: number;
  peak: number;
  drainSeconds: number;
  inserts: Inserts;
  storeCpu: number;
}
export interface Measured {
  target: Target['name'];
  batch: number;
  runs: Run[];
}

export const TOKEN = 'bench-admin-token-0123456789';

/** 'collector-server': the collector writing to a ClickHouse server process (`storePid`). */
export interface Target {
  name: 'baseline' | 'baseline-fsync' | 'collector' | 'collector-server';
  url: string;
  pid: number;
  storePid?: number;
}

/** node's arguments for a benchmarked collector, as its documented start paths run it (with its Node.js flags). */
export const collectorArgs = (bin = 'bin/closeloop.js') => [...COLLECTOR_NODE_FLAGS, bin, 'start', '--demo'];

/** The environment of a benchmarked collector (`closeloop start --demo`): rate limits off, logs quiet. */
export function collectorEnv(port: number, dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    CLOSELOOP_DATA_DIR: dataDir,
    CLOSELOOP_ADMIN_TOKEN: TOKEN,
    CLOSELOOP_LOG_LEVEL: 'warn',
    CLOSELOOP_RATE_LIMIT: '0',
    CLOSELOOP_DEMO: 'true',
    CLOSELOOP_DEMO_DATA: 'false',
    ...extra,
  };
}

export async function once(t: Target, batch: number, o: { seconds: number; connections: number }): Promise<Run> {
  const id = randomBytes(4).toString('hex');
  const collects = t.name === 'collector' || t.name === 'collector-server';
  const i0 = collects ? await inserts(t.url) : undefined;
  resetPeak(t.pid);
  const s0 = t.storePid ? cpuSeconds(t.storePid) : 0;
  const c0 = cpuSeconds(t.pid),
    t0 = performance.now();
  const out = await run(
    process.execPath,
    tsArgs(
      'benchmarks/support/load-worker.ts',
      JSON.stringify({ url: t.url, connections: o.connections, seconds: o.seconds, batch, run: id }),
    ),
    { timeoutMs: (o.seconds + 60) * 1000 },
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = (cpuSeconds(t.pid) - c0) / wall;
  const load = JSON.parse(out.trim().split('\n').pop()!) as Load;
  const drainSeconds = collects ? await drained(t.url) : 0;
  // The store works mostly after the 202s (the spool drains into it): its CPU counts the drain too.
  const storeCpu = t.storePid ? (cpuSeconds(t.storePid) - s0) / ((performance.now() - t0) / 1000) : 0;
  const i1 = i0 && (await inserts(t.url));
  const ins =
    i0 && i1
      ? { count: i1.count - i0.count, rows: i1.rows - i0.rows, seconds: i1.seconds - i0.seconds }
      : { count: 0, rows: 0, seconds: 0 };
  return { id, load, cpu, peak: memory(t.pid).peak, drainSeconds, inserts: ins, storeCpu };
}

/** The collector's own counters of ClickHouse inserts into `events` (GET /metrics). */
async function inserts(url: string): Promise<Inserts> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const get = (name: string) => Number(new RegExp(`^${name}\\{table="events"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    count: get('closeloop_insert_batch_rows_count'),
    rows: get('closeloop_insert_batch_rows_sum'),
    seconds: get('closeloop_insert_duration_seconds_sum'),
  };
}

/** Wait until the collector's spool is empty (every acknowledged row is in ClickHouse); seconds waited. */
async function drained(url: string, ms = 300_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const r = await fetch(`${url}/readyz`).catch(() => undefined);
    const body = r ? ((await r.json()) as { spool?: { pending_rows: number; last_error?: string } }) : undefined;
    if (body?.spool?.pending_rows === 0) return (performance.now() - t0) / 1000;
    if (performance.now() - t0 > ms)
      throw new Error(`the spool did not drain within ${ms / 1000} s: ${JSON.stringify(body)}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

export async function query<T>(url: string, sql: string): Promise<T[]> {
  const r = await fetch(`${url}/v1/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sql }),
  });
  if (!r.ok) throw new Error(`query failed: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { rows: T[] }).rows;
}

/**
 * Every acknowledged event of every run is stored, once: for each request (its events share
 * the id prefix RUN-…-SEQ), all `batch` ids are there, no id has two rows (even before merges),
 * and nothing was stored that was never sent. Returns failure messages and a summary.
 */
export async function verify(
  url: string,
  m: Measured,
): Promise<{ failures: string[]; acked: number; stored: number; rows: number }> {
  const failures: string[] = [];
  let acked = 0,
    stored = 0,
    rows = 0;
  for (const { id, load } of m.runs) {
    const [row] = await query<{ rows: string; ids: string; complete: string[] }>(
      url,
      `SELECT sum(c) AS rows, sum(n) AS ids, groupArrayIf(seq, n = ${m.batch}) AS complete
       FROM (SELECT substring(toString(event_id), 25, 8) AS seq, count() AS c, uniqExact(event_id) AS n
             FROM events WHERE startsWith(toString(event_id), '${id}') GROUP BY seq)`,
    );
    const complete = new Set(row!.complete.map((s) => parseInt(s, 16)));
    let missing = 0;
    for (const [a, b] of load.ranges) for (let s = a; s <= b; s++) if (!complete.has(s)) missing++;
    acked += load.acked * m.batch;
    stored += Number(row!.ids);
    rows += Number(row!.rows);
    const where = `batch ${m.batch} run ${id}`;
    if (missing)
      failures.push(`${where}: ${missing} acknowledged requests (${fmt(missing * m.batch)} events) not fully stored`);
    if (Number(row!.rows) > Number(row!.ids))
      failures.push(`${where}: ${Number(row!.rows) - Number(row!.ids)} events stored twice`);
    if (Number(row!.ids) > load.sent * m.batch) failures.push(`${where}: more events stored than sent`);
  }
  return { failures, acked, stored, rows };
}
