import { rmSync } from 'node:fs';
import { loadConfig } from '../../collector/src/base/config.js';
import { openDb } from '../../collector/src/storage/db.js';
import { EVENTS_BINARY } from '../../collector/src/storage/events-binary.js';
import { migrate } from '../../collector/src/schema/migrations.js';
import { median, tempDir } from '../lib.js';

/**
 * What embedded ClickHouse alone takes: the collector's own rows (10,000 from the run) inserted
 * into a fresh data directory with the collector's schema, in this process, nothing else running,
 * one deduplication token per insert. (1) As JSONEachRow through `Db.insertRaw` (staged file,
 * INSERT … SELECT FROM file(); the previous writer's path). (1b) As the writer sends them now: the
 * spool's RowBinary records through `Db.insertRowBinary` (transposed to one Native block, staged
 * file), the transposition's CPU included. (2) chDB's best format:
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
}
export async function insertCeiling(body: string, reps: number): Promise<Ceiling> {
  const rows = body.split('\n').length - 1;
  const dir = tempDir('closeloop-ceiling-');
  const db = await openDb(loadConfig({ CLOSELOOP_DATA_DIR: dir }));
  try {
    await migrate(db);
    const timed = async (insert: (i: number) => Promise<void>) => {
      const rates: number[] = [];
      const cpus: number[] = [];
      for (let i = 0; i < reps + 1; i++) {
        const c0 = process.cpuUsage(),
          t0 = performance.now();
        await insert(i);
        const c = process.cpuUsage(c0);
        if (i > 0) {
          // the first insert warms up
          rates.push(rows / ((performance.now() - t0) / 1000));
          cpus.push(((c.user + c.system) / 1e6) * (1e6 / rows));
        }
      }
      return { rate: median(rates), cpu: median(cpus) };
    };
    const json = await timed((i) => db.insertRaw('events', body, `ceiling-json-${i}`));
    const records = EVENTS_BINARY.encode(
      body
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as object),
    );
    const writer = await timed((i) => db.insertRowBinary('events', EVENTS_BINARY, records, `ceiling-writer-${i}`));
    const native = `${dir}/rows.native`;
    await db.command(
      `INSERT INTO FUNCTION file('${native}', 'Native') SELECT * FROM ${db.database}.events LIMIT ${rows}`,
    );
    const settings = 'async_insert = 0, deduplicate_blocks_in_dependent_materialized_views = 1';
    const best = await timed((i) =>
      db.command(
        `INSERT INTO ${db.database}.events SETTINGS ${settings}, insert_deduplication_token = 'ceiling-native-${i}' SELECT * FROM file('${native}', 'Native')`,
      ),
    );
    return {
      rows,
      json: json.rate,
      native: best.rate,
      jsonCpu: json.cpu,
      nativeCpu: best.cpu,
      writer: writer.rate,
      writerCpu: writer.cpu,
    };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
