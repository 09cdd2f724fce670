import { rmSync } from 'node:fs';
import { loadConfig } from '../../collector/src/base/config.js';
import { openDb } from '../../collector/src/storage/db.js';
import { EVENTS_BINARY, EVENTS_COLUMNS } from '../../collector/src/storage/events-binary.js';
import { migrate } from '../../collector/src/schema/migrations.js';
import { median, tempDir } from '../lib.js';

/**
 * What embedded ClickHouse alone takes: the collector's own rows (10,000 from the run) inserted
 * into a fresh data directory with the collector's schema, in this process, nothing else running,
 * one deduplication token per insert. (1) As JSONEachRow through `Db.insertRaw` (staged file,
 * INSERT … SELECT FROM file(); an older writer's path). (1b) As the writer sends them now: the
 * spool's records of 20 rows (a request of batch 20) in Native columns, joined (as spool/drain.ts
 * does) and made one Native block (`Db.insertBinary` with `EVENTS_COLUMNS`, staged file), that CPU included; (1c) the
 * same records in RowBinary as the previous release spooled them (`Db.insertBinary` with `EVENTS_BINARY`: transposed
 * value by value to one Native block). (2) chDB's best format:
 * the same rows as one Native block in a file (written by chDB itself from the stored rows),
 * INSERT … SELECT FROM file(…, Native). Rows/s of wall time, median; CPU-s per 1M rows of this process.
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
    variants.writer = (i) => db.insertBinary('events', EVENTS_COLUMNS, Buffer.concat(columns), `ceiling-writer-${i}`);
    variants.rowBinary = (i) =>
      db.insertBinary('events', EVENTS_BINARY, Buffer.concat(rowBinary), `ceiling-rowbinary-${i}`);
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
    for (let i = 0; i < reps + 1; i++)
      for (const [name, insert] of Object.entries(variants)) {
        const c0 = process.cpuUsage(),
          t0 = performance.now();
        await insert(i);
        const c = process.cpuUsage(c0);
        if (i === 0) continue; // the first insert warms up
        (rates[name] ??= []).push(rows / ((performance.now() - t0) / 1000));
        (cpus[name] ??= []).push(((c.user + c.system) / 1e6) * (1e6 / rows));
      }
    const rate = (name: string) => median(rates[name]!);
    const cpu = (name: string) => median(cpus[name]!);
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
    };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
