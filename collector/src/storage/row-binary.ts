/**
 * ClickHouse's RowBinary format, derived from a declared column list (name + ClickHouse type):
 * the encoder the spool writes events with (chDB reads RowBinary through `file()` at ~0.7× the
 * CPU of JSONEachRow, issue 16) and the decoder that turns such rows back into JSONEachRow objects
 * (a ClickHouse server over HTTP, dead letters, tests).
 *
 * Types supported: String, FixedString(N), UUID, Bool, (U)Int8…64, Float32/64, Date, DateTime,
 * DateTime64(P[, tz]), Enum8/16, LowCardinality(T), Nullable(T), Array(T), Map(K, V). A type
 * outside that list throws when the codec is built, so a column list that drifts from what the
 * encoder knows fails at start (and in storage/events-binary.test.ts), not at insert.
 *
 * Values are what a JSONEachRow row holds: strings for String/UUID, booleans, numbers, times as
 * 'YYYY-MM-DD hh:mm:ss[.sss]' UTC text (storage/time.ts) or epoch milliseconds, objects for Map.
 * A value the type cannot hold throws (the caller keeps the row as JSON instead).
 */
import { createHash } from 'node:crypto';
import { joined, RowReader, RowWriter, type Column, type Records } from './binary-io.js';
import { codecOf, type Codec } from './binary-values.js';
import type { BinaryCodec, FileBlock } from './db.js';
import { toNativeBlock } from './native-block.js';

export { args, baseType, RowReader, RowWriter, type Column } from './binary-io.js';
export { epochMs } from './binary-values.js';

/** One encoder/decoder for a column list, in its order. */
export class RowBinaryCodec implements BinaryCodec {
  private readonly codecs: Codec[];
  readonly names: readonly string[];
  /** The list as `file()` / `input()` take it: `name Type, …`. */
  readonly structure: string;
  /** `RowBinary.<hash of the structure>`: names this column list in spool records (spool/formats.ts). */
  readonly formatId: string;

  constructor(readonly columns: readonly Column[]) {
    this.codecs = columns.map((c) => {
      try {
        return codecOf(c.type.trim());
      } catch (err) {
        throw new Error(`RowBinary: column ${c.name}: ${(err as Error).message}`);
      }
    });
    this.names = columns.map((c) => c.name);
    this.write = compileWriter(this.names, this.codecs);
    this.structure = columns.map((c) => `${c.name} ${c.type}`).join(', ');
    this.formatId = `RowBinary.${createHash('sha256').update(this.structure).digest('hex').slice(0, 16)}`;
  }

  /** Appends the rows to `w` (a row object keyed by column name; every column must be present). */
  readonly write: (w: RowWriter, rows: readonly object[]) => void;

  encode(rows: readonly object[]): Buffer {
    const w = new RowWriter(rows.length * 512);
    this.write(w, rows);
    return w.finish();
  }

  /**
   * One Native block of the rows (about half chDB's CPU for large batches, storage/native-block.ts);
   * the RowBinary body itself when a type is not transposed or the rows do not parse (ClickHouse then
   * says what is wrong with them).
   */
  toFile(records: Records): FileBlock {
    const body = joined(records);
    let native: Buffer | undefined;
    try {
      native = toNativeBlock(this.columns, body);
    } catch {
      native = undefined;
    }
    return native ? { bytes: native, format: 'Native' } : { bytes: body, format: 'RowBinary' };
  }

  /** The rows of a RowBinary body as JSONEachRow objects. */
  decode(records: Records): Record<string, unknown>[] {
    const r = new RowReader(joined(records));
    const rows: Record<string, unknown>[] = [];
    while (!r.done) {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < this.codecs.length; i++) row[this.names[i]!] = this.codecs[i]!.read(r);
      rows.push(row);
    }
    return rows;
  }
}

/**
 * The row loop as straight-line code, one call site per column: each site sees one codec (V8
 * inlines it), where a loop over the columns would make one call site see every codec (~2× slower,
 * slower than JSON.stringify for a 1-event request). Names are looked up by index, never spliced into the code.
 */
function compileWriter(names: readonly string[], codecs: readonly Codec[]): RowBinaryCodec['write'] {
  const body = names
    .map((_, i) => `v = r[n[${i}]]; if (v === undefined) missing(${i}); c[${i}].write(w, v);`)
    .join('\n');
  const missing = (i: number) => {
    throw new Error(`RowBinary: row has no ${names[i]}`);
  };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the column count only
  const make = new Function(
    'n',
    'c',
    'missing',
    `return function write(w, rows) { let v; for (const r of rows) {\n${body}\n} };`,
  );
  return make(names, codecs, missing) as RowBinaryCodec['write'];
}
