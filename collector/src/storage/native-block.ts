/**
 * RowBinary rows → one block of ClickHouse's Native format (columns one after the other), which chDB
 * inserts at about half the CPU of the same rows in RowBinary when the block is large (issue 16:
 * 13.1 vs 21.9 CPU-s per 10⁶ `events` rows at ≥ 10k rows; no gain in 20-row blocks). The spool keeps
 * rows (a request's worth per record, or a loop turn's requests of one site: spool/coalesce.ts); the
 * writer's batch of up to CLOSELOOP_INSERT_MAX_ROWS becomes one block here.
 *
 * For most types a value's Native bytes are its RowBinary bytes (String: varint length + UTF-8; UUID,
 * numbers, times: fixed width), so a column is the concatenation of its values' spans. A Map is
 * written as Native stores it (row offsets, then all keys, then all values). LowCardinality(T) is
 * declared as T in the block (its dictionary serialization is not written here); the INSERT converts.
 * Other types (Nullable, Array …) are not transposed: `toNativeBlock` returns undefined and the
 * caller inserts RowBinary.
 */
import { args, type Column } from './binary-io.js';

/** >0: fixed width; STRING: varint length + bytes; a Map's key and value kinds. */
export type Kind = number | { key: number; value: number };
export const STRING = -1;

const FIXED: Record<string, number> = {
  UUID: 16,
  Bool: 1,
  UInt8: 1,
  Int8: 1,
  UInt16: 2,
  Int16: 2,
  Date: 2,
  UInt32: 4,
  Int32: 4,
  Float32: 4,
  DateTime: 4,
  UInt64: 8,
  Int64: 8,
  Float64: 8,
  DateTime64: 8,
  Enum8: 1,
  Enum16: 2,
};

const headOf = (type: string) => /^[A-Za-z0-9_]+/.exec(type)?.[0] ?? '';

/** The type as declared in the block (LowCardinality dropped), and how its values are laid out; undefined if not supported. */
export function plan(type: string): { native: string; kind: Kind } | undefined {
  const head = headOf(type);
  if (head === 'LowCardinality') return plan(args(type)[0]!);
  if (type === 'String') return { native: type, kind: STRING };
  if (head === 'FixedString') return { native: type, kind: Number(args(type)[0]) };
  if (head in FIXED && (head !== 'DateTime' || type === 'DateTime' || type.startsWith('DateTime(')))
    return { native: type, kind: FIXED[head]! };
  if (head === 'Map') {
    const [k, v] = args(type).map(plan);
    if (!k || !v || typeof k.kind !== 'number' || typeof v.kind !== 'number') return undefined;
    return { native: `Map(${k.native}, ${v.native})`, kind: { key: k.kind, value: v.kind } };
  }
  return undefined;
}

function varintAt(buf: Buffer, off: number): [value: number, next: number] {
  let n = 0;
  let mul = 1;
  for (;;) {
    if (off >= buf.length) throw new Error('RowBinary: unexpected end of data');
    const b = buf[off++]!;
    n += (b & 0x7f) * mul;
    if (b < 0x80) return [n, off];
    mul *= 128;
  }
}

/** The offset after the value of `kind` at `off` (no allocation: runs for every value of a batch). */
function skip(kind: number, buf: Buffer, off: number): number {
  if (kind > 0) return off + kind;
  let b = buf[off++]!;
  if (b < 0x80) return off + b;
  let len = b & 0x7f;
  let mul = 128;
  do {
    if (off >= buf.length) throw new Error('RowBinary: unexpected end of data');
    b = buf[off++]!;
    len += (b & 0x7f) * mul;
    mul *= 128;
  } while (b >= 0x80);
  return off + len;
}

export function varintBytes(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

export const stringBytes = (s: string) => {
  const b = Buffer.from(s);
  return Buffer.concat([varintBytes(b.length), b]);
};

/** Copies the spans [from[i], to[i]) of `src` one after the other into a new buffer of `size` bytes. */
function gather(src: Buffer, starts: Uint32Array, col: number, stride: number, rows: number, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (let r = 0, i = col; r < rows; r++, i += stride) {
    const s = starts[i]!;
    const e = starts[i + 1]!;
    if (e - s > 32) o += src.copy(out, o, s, e);
    else for (let k = s; k < e; k++) out[o++] = src[k]!;
  }
  return out;
}

/** The rows of a RowBinary body with these columns as one Native block; undefined when a type is not supported. */
export function toNativeBlock(columns: readonly Column[], body: Buffer): Buffer | undefined {
  const plans = columns.map((c) => plan(c.type));
  if (plans.some((p) => p === undefined)) return undefined;
  const kinds = plans.map((p) => p!.kind);
  const n = columns.length;
  // Where each value starts: value (row r, column c) spans starts[r*n+c] .. starts[r*n+c+1].
  let starts = new Uint32Array(n * 1024 + 1);
  let rows = 0;
  let off = 0;
  while (off < body.length) {
    if ((rows + 1) * n + 1 > starts.length) {
      const next = new Uint32Array(starts.length * 2);
      next.set(starts);
      starts = next;
    }
    const base = rows * n;
    for (let c = 0; c < n; c++) {
      starts[base + c] = off;
      const kind = kinds[c]!;
      if (typeof kind === 'number') {
        off = skip(kind, body, off);
        if (off > body.length) throw new Error('RowBinary: unexpected end of data');
      } else {
        let [pairs, at] = varintAt(body, off);
        for (; pairs > 0; pairs--) at = skip(kind.value, body, skip(kind.key, body, at));
        off = at;
      }
    }
    rows++;
  }
  if (off !== body.length) throw new Error('RowBinary: a row runs past the end of the data');
  starts[rows * n] = off;

  const parts: Buffer[] = [varintBytes(n), varintBytes(rows)];
  for (let c = 0; c < n; c++) {
    parts.push(stringBytes(columns[c]!.name), stringBytes(plans[c]!.native));
    const kind = kinds[c]!;
    let size = 0;
    for (let r = 0, i = c; r < rows; r++, i += n) size += starts[i + 1]! - starts[i]!;
    if (typeof kind === 'number') parts.push(gather(body, starts, c, n, rows, size));
    else parts.push(...mapColumn(body, starts, c, n, rows, size, kind));
  }
  return Buffer.concat(parts);
}

/** A Map column in Native: UInt64 cumulative pair counts per row, then every key, then every value. */
function mapColumn(
  body: Buffer,
  starts: Uint32Array,
  col: number,
  stride: number,
  rows: number,
  size: number,
  kind: { key: number; value: number },
): Buffer[] {
  const offsets = Buffer.allocUnsafe(rows * 8);
  const keys = Buffer.allocUnsafe(size);
  const values = Buffer.allocUnsafe(size);
  let total = 0;
  let k = 0;
  let v = 0;
  for (let r = 0, i = col; r < rows; r++, i += stride) {
    let [pairs, at] = varintAt(body, starts[i]!);
    total += pairs;
    offsets.writeUInt32LE(total % 2 ** 32, r * 8);
    offsets.writeUInt32LE(Math.floor(total / 2 ** 32), r * 8 + 4);
    for (; pairs > 0; pairs--) {
      const keyEnd = skip(kind.key, body, at);
      k += body.copy(keys, k, at, keyEnd);
      const valueEnd = skip(kind.value, body, keyEnd);
      v += body.copy(values, v, keyEnd, valueEnd);
      at = valueEnd;
    }
  }
  return [offsets, keys.subarray(0, k), values.subarray(0, v)];
}
