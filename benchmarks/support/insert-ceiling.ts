import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { loadConfig } from '../../collector/src/base/config.js';
import { openDb } from '../../collector/src/storage/db.js';
import { EVENTS_BINARY, EVENTS_COLUMNS } from '../../collector/src/storage/events-binary.js';
import { migrate } from '../../collector/src/schema/migrations.js';
import { isMain, median, run, settle, tempDir, tsArgs } from '../lib.js';

/**
 * What embedded ClickHouse alone takes: the collector's own rows (10,000 from the run) inserted
 * into a fresh data directory with the collector's schema, in this process, nothing else running,
 * one deduplication token per insert. (1) As JSONEachRow through `Db.insertRaw` (staged file,
 * INSERT … SELECT FROM file(); an older writer's path). (1b) As the writer sends them now: the
 * spool's records of 20 rows (a request of batch 20) in Native columns, each its own buffer as
 * spool/drain.ts hands them over, made one Native block (`Db.insertBinary` with `EVENTS_COLUMNS`,
 * staged file), that CPU included; (1c) the same records in RowBinary as the previous release
 * spooled them (`Db.insertBinary` with `EVENTS_BINARY`: transposed value by value to one Native
 * block). (2) chDB's best format: the same rows as one Native block in a file (written by chDB
 * itself from the stored rows), INSERT … SELECT FROM file(…, Native). Rows/s of wall time, median;
 * CPU-s per 1M rows of this process. collector-throughput.ts runs it in processes of their own
 * (`ceilingInOwnProcesses`), pooling their inserts.
 * Background merges are stopped on these tables while measuring (they cost the same for every
 * variant, and otherwise land in whichever insert runs next), and the variants take turns in an
 * order that shifts by one each round.
 */
export interface Ceiling {
  rows: number;
  json: number;
  native: number;
  jsonCpu: number;
  nativeCpu: number;
  /** (1b): the writer's own path. */
  writer: number;
  writerCpu: number;
  /** (1c): the previous release's writer path (RowBinary records). */
  rowBinary: number;
  rowBinaryCpu: number;
  /** Every measured insert: rows/s and CPU-s per 10⁶ rows per variant (the medians above are theirs). */
  samples: Samples;
  /** Processes the samples come from. */
  processes: number;
}
type Samples = Record<'rates' | 'cpus', Record<string, number[]>>;

/** The figures of pooled samples: each variant's median rate and CPU. */
function ceilingOf(rows: number, samples: Samples, processes: number): Ceiling {
  const rate = (name: string) => median(samples.rates[name]!);
  const cpu = (name: string) => median(samples.cpus[name]!);
  return {
    rows,
    json: rate('json'),
    native: rate('native'),
    jsonCpu: cpu('json'),
    nativeCpu: cpu('native'),
    writer: rate('writer'),
    writerCpu: cpu('writer'),
    rowBinary: rate('rowBinary'),
    rowBinaryCpu: cpu('rowBinary'),
    samples,
    processes,
  };
}
export async function insertCeiling(body: string, reps: number): Promise<Ceiling> {
  const rows = body.split('\n').length - 1;
  const dir = tempDir('closeloop-ceiling-');
  const db = await openDb(loadConfig({ CLOSELOOP_DATA_DIR: dir }));
  try {
    await migrate(db);
    /** Each variant's inserts interleave with the others' (the machine is shared): rows/s and CPU per insert. */
    const variants: Record<string, (i: number) => Promise<void>> = {};
    const lines = body
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as object);
    const requests: object[][] = [];
    for (let i = 0; i < lines.length; i += 20) requests.push(lines.slice(i, i + 20));
    const columns = requests.map((r) => EVENTS_COLUMNS.encode(r));
    const rowBinary = requests.map((r) => EVENTS_BINARY.encode(r));
    variants.json = (i) => db.insertRaw('events', body, `ceiling-json-${i}`);
    // The records as the spool's drain hands them over: each request's own buffer, in order.
    variants.writer = (i) => db.insertBinary('events', EVENTS_COLUMNS, columns, `ceiling-writer-${i}`);
    variants.rowBinary = (i) => db.insertBinary('events', EVENTS_BINARY, rowBinary, `ceiling-rowbinary-${i}`);
    const native = `${dir}/rows.native`;
    await db.insertRaw('events', body, 'ceiling-setup'); // the rows chDB writes its Native file from
    await db.command(
      `INSERT INTO FUNCTION file('${native}', 'Native') SELECT * FROM ${db.database}.events LIMIT ${rows}`,
    );
    const settings = 'async_insert = 0, deduplicate_blocks_in_dependent_materialized_views = 1';
    variants.native = (i) =>
      db.command(
        `INSERT INTO ${db.database}.events SETTINGS ${settings}, insert_deduplication_token = 'ceiling-native-${i}' SELECT * FROM file('${native}', 'Native')`,
      );
    const rates: Record<string, number[]> = {};
    const cpus: Record<string, number[]> = {};
    // No background merges while measuring: each insert's parts would otherwise be merged during the
    // next variant's insert, in this process, on the same 2 cores, and be counted as its time and CPU
    // (the ratio writer/best moved 0.72–1.01 over three runs of identical code so, 0.85–0.89 without).
    // Every variant writes the same rows, so the merges they would cause are the same for each.
    const tables = await db.query<{ name: string }>(
      `SELECT name FROM system.tables WHERE database = {db:String} AND engine LIKE '%MergeTree'`,
      { db: db.database },
    );
    for (const t of tables) await db.command(`SYSTEM STOP MERGES ${db.database}.${t.name}`);
    // Each round starts one variant later, so none always follows the same one.
    const order = Object.entries(variants);
    for (let i = 0; i < reps + 1; i++)
      for (let j = 0; j < order.length; j++) {
        const [name, insert] = order[(i + j) % order.length]!;
        const c0 = process.cpuUsage(),
          t0 = performance.now();
        await insert(i);
        const c = process.cpuUsage(c0);
        if (i === 0) continue; // the first insert warms up
        (rates[name] ??= []).push(rows / ((performance.now() - t0) / 1000));
        (cpus[name] ??= []).push(((c.user + c.system) / 1e6) * (1e6 / rows));
      }
    return ceilingOf(rows, { rates, cpus }, 1);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The ceiling measured in fresh processes (this file run with the rows' file and the repetitions),
 * after the file system has written back what the runs before left (`sync`): measured inside the
 * benchmark's own long-lived process, right after its servers had written and deleted gigabytes, the
 * writer's variant came out at 0.63–0.64 of the best format in two runs where a fresh process gave
 * 0.77–0.81 for the same rows. One process after another, their inserts pooled: between processes
 * the writer/best ratio of identical code moved 0.78–0.87 (medians of 15 inserts each), more than
 * within one, so one process's medians say less than several processes' pooled.
 */
export async function ceilingInOwnProcesses(rowsFile: string, reps: number, processes: number): Promise<Ceiling> {
  execFileSync('sync');
  await settle(30_000);
  const pooled: Samples = { rates: {}, cpus: {} };
  let rows = 0;
  for (let p = 0; p < processes; p++) {
    const out = await run(process.execPath, tsArgs('benchmarks/support/insert-ceiling.ts', rowsFile, String(reps)), {
      timeoutMs: 600_000,
    });
    const one = JSON.parse(out.trim().split('\n').at(-1)!) as Ceiling;
    rows = one.rows;
    for (const kind of ['rates', 'cpus'] as const)
      for (const [name, values] of Object.entries(one.samples[kind])) (pooled[kind][name] ??= []).push(...values);
  }
  return ceilingOf(rows, pooled, processes);
}

if (isMain(import.meta.url)) {
  const [file, reps] = process.argv.slice(2);
  console.log(JSON.stringify(await insertCeiling(readFileSync(file!, 'utf8'), Number(reps ?? 5))));
}
