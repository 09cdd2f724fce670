/**
 * Spool records of embedded `events` as columns (format `NativeColumns.<hash of the column list>`,
 * spool/formats.ts): a request's rows are written column after column, each column already in
 * ClickHouse's Native layout, so the writer makes one Native block of a whole batch by copying each
 * record's column pieces one after the other — no per-value work — where RowBinary records
 * (storage/row-binary.ts, storage/native-block.ts) had to be taken apart value by value first.
 *
 * Why one block: chDB pays about 1 ms per Native block of this schema (it parses every column's type
 * per block), so a file of the requests' own small blocks costs 4× as much as one big block (issue 16:
 * 20-row blocks 78, one 10,000-row block 19 CPU-s per 10⁶ rows, measured in one run).
 *
 * A record's body:
 *   varint rows
 *   varint byte length of each part (a column is one part; a Map column three: offsets, keys, values)
 *   the parts, in column order, each as Native stores that column (LowCardinality(T) as T).
 * A Map column's offsets are the record's own cumulative pair counts (UInt64); the block rebases them.
 */
import { createHash } from 'node:crypto';
import { args, joined, recordList, RowReader, RowWriter, type Column, type Records } from './binary-io.js';
import { codecOf, type Codec } from './binary-values.js';
import type { BinaryCodec, FileBlock } from './db.js';
import { plan, stringBytes, varintBytes } from './native-block.js';

/** One part of a record: how its values are read back, and its fixed width (0: variable). */
interface Part {
  column: number;
  role: 'values' | 'offsets' | 'keys' | 'map-values';
  codec: Codec;
  width: number;
}

const INCORRECT = (what: string) => new Error(`INCORRECT_DATA: NativeColumns record: ${what}`);

export class NativeColumnsCodec implements BinaryCodec {
  readonly names: readonly string[];
  readonly structure: string;
  /** `NativeColumns.<hash of the structure>`: names this column list in spool records (spool/formats.ts). */
  readonly formatId: string;
  private readonly parts: Part[] = [];
  /** Per column: its name and Native type as a block's column header. */
  private readonly heads: Buffer[];
  private readonly scratch = new RowWriter(1 << 16);
  private readonly lengths: Uint32Array;
  /** Appends the parts of `rows` to `w`, their byte lengths to `lengths`. */
  private readonly writeParts: (w: RowWriter, rows: readonly object[], lengths: Uint32Array) => void;

  /** Throws when a column's type has no Native layout here (the caller keeps RowBinary then). */
  constructor(readonly columns: readonly Column[]) {
    this.names = columns.map((c) => c.name);
    this.structure = columns.map((c) => `${c.name} ${c.type}`).join(', ');
    this.formatId = `NativeColumns.${createHash('sha256').update(this.structure).digest('hex').slice(0, 16)}`;
    const plans = columns.map((c) => {
      const p = plan(c.type);
      if (!p) throw new Error(`NativeColumns: column ${c.name}: type ${c.type} has no Native layout here`);
      return p;
    });
    this.heads = columns.map((c, i) => Buffer.concat([stringBytes(c.name), stringBytes(plans[i]!.native)]));
    columns.forEach((c, i) => {
      const kind = plans[i]!.kind;
      const inner = innerType(c.type);
      if (typeof kind === 'number') {
        this.parts.push({ column: i, role: 'values', codec: codecOf(c.type), width: widthOf(kind) });
      } else {
        const [k, v] = args(inner);
        this.parts.push(
          { column: i, role: 'offsets', codec: codecOf('UInt64'), width: 8 },
          { column: i, role: 'keys', codec: codecOf(k!), width: widthOf(kind.key) },
          { column: i, role: 'map-values', codec: codecOf(v!), width: widthOf(kind.value) },
        );
      }
    });
    this.lengths = new Uint32Array(this.parts.length);
    this.writeParts = compileParts(this.names, this.parts);
  }

  /** The record body of `rows` (every column must be present; a value its type cannot hold throws). */
  encode(rows: readonly object[]): Buffer {
    const w = this.scratch;
    w.off = 0;
    const L = this.lengths;
    this.writeParts(w, rows, L);
    let head = varintLength(rows.length);
    for (let p = 0; p < L.length; p++) head += varintLength(L[p]!);
    const out = Buffer.allocUnsafe(head + w.off);
    let o = putVarint(out, 0, rows.length);
    for (let p = 0; p < L.length; p++) o = putVarint(out, o, L[p]!);
    w.buf.copy(out, o, 0, w.off);
    return out;
  }

  /**
   * Records as one Native block of all their rows: one buffer of records one after another, or the
   * records' own buffers in order (the writer's batch: no copy joins them first). Record by record, in
   * order, each part's piece goes to the end of that part's stretch of the block: reads are sequential
   * and the writes go to one cursor per part. (Part by part across all records read the records'
   * pieces with a stride: a cache miss per piece, 1.8 µs per row of 1-row records.)
   */
  toBlock(records: Records): Buffer {
    const bodies = recordList(records);
    const { count, rows, at, from } = this.split(bodies);
    const P = this.parts.length;
    const C = this.columns.length;
    // Where each part's stretch starts in the block: the block's header, then per column its head and parts.
    const cursor = new Float64Array(P);
    for (let i = 0, p = 0; i < count * P; i++, p = p + 1 === P ? 0 : p + 1)
      cursor[p] = cursor[p]! + at[2 * i + 1]! - at[2 * i]!;
    const top = Buffer.concat([varintBytes(C), varintBytes(rows)]);
    let o = top.length;
    const headAt = new Float64Array(C);
    for (let c = 0, p = 0; c < C; c++) {
      headAt[c] = o;
      o += this.heads[c]!.length;
      for (; p < P && this.parts[p]!.column === c; p++) {
        const size = cursor[p]!;
        cursor[p] = o;
        o += size;
      }
    }
    const out = Buffer.allocUnsafe(o);
    top.copy(out, 0);
    for (let c = 0; c < C; c++) this.heads[c]!.copy(out, headAt[c]!);
    // A Map's offsets are each record's own cumulative pair counts: rebased by the pairs before it.
    const base = new Float64Array(P);
    const rebase = this.parts.map((part) => part.role === 'offsets');
    // Plain Uint8Array views: their subarray and set are V8 builtins, cheaper than Buffer#copy.
    const dst = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    const views = bodies.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    for (let r = 0, i = 0; r < count; r++) {
      const src = views[from[r]!]!;
      for (let p = 0; p < P; p++, i++) {
        const s = at[2 * i]!;
        const e = at[2 * i + 1]!;
        if (e === s) continue;
        const start = cursor[p]!;
        const w = start + e - s;
        // A short piece (1-event requests) costs less copied here than through a view and a call.
        if (e - s > 48) dst.set(src.subarray(s, e), start);
        else for (let k = s, x = start; k < e; k++, x++) dst[x] = src[k]!;
        cursor[p] = w;
        if (rebase[p]) {
          const b = base[p]!;
          if (b > 0) for (let x = start; x < w; x += 8) writeU64(out, x, readU64(out, x) + b);
          base[p] = readU64(out, w - 8);
        }
      }
    }
    return out;
  }

  /** The records as the file chDB reads: their Native block (throws INCORRECT_DATA for a record that does not hold together). */
  toFile(records: Records): FileBlock {
    return { bytes: this.toBlock(records), format: 'Native' };
  }

  /** The rows of one or more records as JSONEachRow objects (dead letters, a ClickHouse server). */
  decode(records: Records): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    const body = joined(records);
    const { rowsOf, at } = this.split([body]);
    const P = this.parts.length;
    const slice = (record: number, p: number) => body.subarray(at[2 * (record * P + p)], at[2 * (record * P + p) + 1]);
    for (let rec = 0; rec < rowsOf.length; rec++) {
      const rows = Array.from({ length: rowsOf[rec]! }, () => ({}) as Record<string, unknown>);
      for (let p = 0; p < P; p++) {
        const part = this.parts[p]!;
        const name = this.names[part.column]!;
        const reader = new RowReader(slice(rec, p));
        if (part.role === 'values') for (const row of rows) row[name] = part.codec.read(reader);
        else if (part.role === 'offsets') {
          let before = 0;
          for (const row of rows) {
            const total = part.codec.read(reader) as number;
            row[name] = Array.from({ length: total - before }); // keys and values follow
            before = total;
          }
        } else {
          const values = this.parts[p + 1]!;
          const valueReader = new RowReader(slice(rec, p + 1));
          for (const row of rows) {
            const map: Record<string, unknown> = {};
            for (let n = (row[name] as unknown[]).length; n > 0; n--)
              map[part.codec.read(reader) as string] = values.codec.read(valueReader);
            row[name] = map;
          }
          if (!valueReader.done) throw INCORRECT(`column ${name} has bytes left over`);
          p++;
        }
        if (!reader.done) throw INCORRECT(`column ${name} has bytes left over`);
      }
      out.push(...rows);
    }
    return out;
  }

  /**
   * Where each record's parts are: `at[2 * (record * parts + part)]` and the next entry are a part's
   * start and end in `bodies[from[record]]`. Checks every length against its body and the fixed widths.
   */
  private split(bodies: readonly Buffer[]): {
    count: number;
    rows: number;
    at: Uint32Array;
    from: Uint32Array;
    rowsOf: number[];
  } {
    const P = this.parts.length;
    let at = new Uint32Array(2 * P * 64);
    let from = new Uint32Array(64);
    const rowsOf: number[] = [];
    let rows = 0;
    try {
      for (let b = 0; b < bodies.length; b++) {
        const body = bodies[b]!;
        const r = new RowReader(body);
        while (!r.done) {
          const n = r.varint();
          const record = rowsOf.length;
          const base = 2 * P * record;
          if (base + 2 * P > at.length) {
            const next = new Uint32Array(at.length * 2);
            next.set(at);
            at = next;
            const nextFrom = new Uint32Array(from.length * 2);
            nextFrom.set(from);
            from = nextFrom;
          }
          for (let p = 0; p < P; p++) at[base + 2 * p + 1] = r.varint();
          let off = r.off;
          for (let p = 0; p < P; p++) {
            const len = at[base + 2 * p + 1]!;
            const { width, column } = this.parts[p]!;
            if (width && len !== n * width) throw INCORRECT(`column ${this.names[column]} size`);
            at[base + 2 * p] = off;
            off += len;
            at[base + 2 * p + 1] = off;
          }
          if (off > body.length) throw INCORRECT('cut short');
          r.off = off;
          from[record] = b;
          rowsOf.push(n);
          rows += n;
        }
      }
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('INCORRECT_DATA')) throw err;
      throw INCORRECT('cut short');
    }
    return { count: rowsOf.length, rows, at, from, rowsOf };
  }
}

const varintLength = (n: number) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5);
/** Writes `n` as a varint at `at`; returns the offset after it. */
function putVarint(b: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    b[at++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  b[at++] = n;
  return at;
}
const widthOf = (kind: number) => (kind > 0 ? kind : 0);
const innerType = (type: string): string => (type.startsWith('LowCardinality(') ? args(type)[0]! : type);
const readU64 = (b: Buffer, at: number) => b.readUInt32LE(at) + b.readUInt32LE(at + 4) * 2 ** 32;
function writeU64(b: Buffer, at: number, n: number): void {
  b.writeUInt32LE(n % 2 ** 32, at);
  b.writeUInt32LE(Math.floor(n / 2 ** 32), at + 4);
}

/**
 * The column loops as straight-line code, one call site per part (as row-binary.ts compileWriter does,
 * for the same reason: each call site sees one codec). Names are looked up by index, never spliced in.
 */
function compileParts(names: readonly string[], parts: readonly Part[]) {
  const code = parts
    .map((part, p) => {
      const i = part.column;
      const each = `for (let j = 0; j < rows.length; j++) { v = rows[j][n[${i}]]; if (v === undefined) missing(${i});`;
      const measured = (loop: string) => `s = w.off; ${loop} L[${p}] = w.off - s;`;
      switch (part.role) {
        case 'values':
          return measured(`${each} c[${p}].write(w, v); }`);
        case 'offsets':
          return measured(`t = 0; ${each} t += pairs(v, ${i}); u64(w, t); }`);
        case 'keys':
          return measured(`${each} for (const k of Object.keys(v)) c[${p}].write(w, k); }`);
        default:
          return measured(`${each} for (const k of Object.keys(v)) c[${p}].write(w, v[k]); }`);
      }
    })
    .join('\n');
  const missing = (i: number) => {
    throw new Error(`NativeColumns: row has no ${names[i]}`);
  };
  const pairs = (v: unknown, i: number) => {
    if (typeof v !== 'object' || v === null) throw new Error(`NativeColumns: ${names[i]} is not a map`);
    return Object.keys(v).length;
  };
  const u64 = (w: RowWriter, n: number) => {
    w.ensure(8);
    writeU64(w.buf, w.off, n);
    w.off += 8;
  };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the part list only
  const make = new Function(
    'n',
    'c',
    'missing',
    'pairs',
    'u64',
    `return function writeParts(w, rows, L) { let v, s, t;\n${code}\n};`,
  );
  return make(
    names,
    parts.map((p) => p.codec),
    missing,
    pairs,
    u64,
  ) as (w: RowWriter, rows: readonly object[], lengths: Uint32Array) => void;
}
