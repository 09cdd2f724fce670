/**
 * One value of a ClickHouse type in its binary form, which RowBinary and Native share for these types
 * (String: varint length + UTF-8; UUID, numbers, times: fixed width, little-endian).
 *
 * Types supported: String, FixedString(N), UUID, Bool, (U)Int8…64, Float32/64, Date, DateTime,
 * DateTime64(P[, tz]), Enum8/16, LowCardinality(T), Nullable(T), Array(T), Map(K, V) (RowBinary's
 * form: pair count, then key, value …). A type outside that list throws when the codec is made.
 *
 * Values are what a JSONEachRow row holds: strings for String/UUID, booleans, numbers, times as
 * 'YYYY-MM-DD hh:mm:ss[.sss]' UTC text (storage/time.ts) or epoch milliseconds, objects for Map.
 * A value the type cannot hold throws (the caller keeps the row as JSON instead).
 */
import { args, type RowReader, type RowWriter } from './binary-io.js';
import { toClickHouseTime } from './time.js';

export interface Codec {
  write(w: RowWriter, v: unknown): void;
  read(r: RowReader): unknown;
}

const INTS: Record<string, [bytes: 1 | 2 | 4 | 8, signed: boolean]> = {
  UInt8: [1, false],
  UInt16: [2, false],
  UInt32: [4, false],
  UInt64: [8, false],
  Int8: [1, true],
  Int16: [2, true],
  Int32: [4, true],
  Int64: [8, true],
};

export function codecOf(type: string): Codec {
  const head = /^[A-Za-z0-9_]+/.exec(type)?.[0] ?? '';
  if (type === 'String') return STRING;
  if (type === 'UUID') return UUID;
  if (type === 'Bool') return BOOL;
  if (type in INTS) return intCodec(...INTS[type]!);
  if (type === 'Float32' || type === 'Float64') return floatCodec(type === 'Float32' ? 4 : 8);
  if (type === 'Date') return DATE;
  if (head === 'DateTime') return DATETIME;
  if (head === 'DateTime64') return dateTime64(Number(args(type)[0]));
  if (head === 'FixedString') return fixedString(Number(args(type)[0]));
  if (head === 'LowCardinality') return codecOf(args(type)[0]!);
  if (head === 'Nullable') return nullable(codecOf(args(type)[0]!));
  if (head === 'Array') return array(codecOf(args(type)[0]!));
  if (head === 'Map') {
    const [k, v] = args(type);
    return map(codecOf(k!), codecOf(v!));
  }
  if (head === 'Enum8' || head === 'Enum16') return enumCodec(args(type), head === 'Enum8' ? 1 : 2);
  throw new Error(`type ${type} has no RowBinary codec`);
}

const STRING: Codec = {
  write(w, v) {
    if (typeof v !== 'string') throw new Error(`not a string: ${typeof v}`);
    w.string(v);
  },
  read: (r) => r.take(r.varint()).toString(),
};

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
/** Where each of a UUID's 16 bytes goes: ClickHouse writes it as two little-endian UInt64 halves. */
const UUID_PLACE = [7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8];

/** Where the hex pairs of byte 0…15 of a UUID's text start. */
const UUID_HEX_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

const UUID: Codec = {
  write(w, v) {
    if (
      typeof v !== 'string' ||
      v.length !== 36 ||
      v.charCodeAt(8) !== 45 ||
      v.charCodeAt(13) !== 45 ||
      v.charCodeAt(18) !== 45 ||
      v.charCodeAt(23) !== 45
    )
      throw new Error('not a UUID');
    w.ensure(16);
    const { buf, off } = w;
    for (let b = 0; b < 16; b++) {
      const at = UUID_HEX_AT[b]!;
      const c1 = v.charCodeAt(at);
      const c2 = v.charCodeAt(at + 1);
      if ((c1 | c2) > 127) throw new Error('not a UUID');
      const hi = HEX[c1]!;
      const lo = HEX[c2]!;
      if ((hi | lo) < 0) throw new Error('not a UUID');
      buf[off + UUID_PLACE[b]!] = (hi << 4) | lo;
    }
    w.off += 16;
  },
  read(r) {
    const b = r.take(16);
    let hex = '';
    for (let i = 0; i < 16; i++) hex += b[UUID_PLACE[i]!]!.toString(16).padStart(2, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  },
};

const BOOL: Codec = {
  write(w, v) {
    if (typeof v !== 'boolean') throw new Error('not a boolean');
    w.ensure(1);
    w.buf[w.off++] = v ? 1 : 0;
  },
  read: (r) => r.byte() !== 0,
};

function intCodec(bytes: 1 | 2 | 4 | 8, signed: boolean): Codec {
  const min = signed ? -(2 ** (bytes * 8 - 1)) : 0;
  const max = signed ? 2 ** (bytes * 8 - 1) - 1 : 2 ** (bytes * 8) - 1;
  return {
    write(w, v) {
      const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) throw new Error('not an integer');
      w.ensure(bytes);
      if (bytes === 8) w.buf.writeBigInt64LE(BigInt(n), w.off);
      else if (signed) w.buf.writeIntLE(n, w.off, bytes);
      else w.buf.writeUIntLE(n, w.off, bytes);
      w.off += bytes;
    },
    read(r) {
      const b = r.take(bytes);
      if (bytes === 8) return Number(signed ? b.readBigInt64LE() : b.readBigUInt64LE());
      return signed ? b.readIntLE(0, bytes) : b.readUIntLE(0, bytes);
    },
  };
}

function floatCodec(bytes: 4 | 8): Codec {
  return {
    write(w, v) {
      if (typeof v !== 'number') throw new Error('not a number');
      w.ensure(bytes);
      w.off = bytes === 4 ? w.buf.writeFloatLE(v, w.off) : w.buf.writeDoubleLE(v, w.off);
    },
    read: (r) => (bytes === 4 ? r.take(4).readFloatLE() : r.take(8).readDoubleLE()),
  };
}

const DAY_MS = 86_400_000;
const dayCache = new Map<string, number>();

/** Epoch milliseconds of a time value: a number, or 'YYYY-MM-DD[ hh:mm:ss[.fff]]' UTC text. */
export function epochMs(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string') throw new Error('not a time');
  const date = v.slice(0, 10);
  let day = dayCache.get(date);
  if (day === undefined) {
    day = Date.parse(`${date}T00:00:00Z`);
    if (!Number.isFinite(day) || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`not a time: ${v}`);
    if (dayCache.size > 1000) dayCache.clear();
    dayCache.set(date, day);
  }
  if (v.length === 10) return day;
  if (v.length === 23 && v[10] === ' ' && v[13] === ':' && v[16] === ':' && v[19] === '.') {
    const h = digits(v, 11, 2),
      m = digits(v, 14, 2),
      s = digits(v, 17, 2),
      f = digits(v, 20, 3);
    if (h >= 0 && m >= 0 && s >= 0 && f >= 0 && h < 24 && m < 60 && s < 60)
      return day + h * 3_600_000 + m * 60_000 + s * 1000 + f;
  }
  const ms = Date.parse(`${v.replace(' ', 'T')}Z`);
  if (!Number.isFinite(ms)) throw new Error(`not a time: ${v}`);
  return ms;
}

function digits(s: string, from: number, n: number): number {
  let x = 0;
  for (let i = from; i < from + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    x = x * 10 + d;
  }
  return x;
}

function dateTime64(precision: number): Codec {
  if (!Number.isInteger(precision) || precision < 0 || precision > 9) throw new Error('bad DateTime64 precision');
  const scale = 10 ** (precision - 3);
  return {
    write(w, v) {
      const ticks = Math.floor(epochMs(v) * scale);
      w.ensure(8);
      if (ticks >= 0 && ticks < 2 ** 53) {
        w.buf.writeUInt32LE(ticks % 2 ** 32, w.off);
        w.buf.writeUInt32LE(Math.floor(ticks / 2 ** 32), w.off + 4);
      } else w.buf.writeBigInt64LE(BigInt(ticks), w.off);
      w.off += 8;
    },
    read(r) {
      const ms = Number(r.take(8).readBigInt64LE()) / scale;
      return precision === 3 ? toClickHouseTime(ms) : toClickHouseTime(Math.floor(ms));
    },
  };
}

const DATETIME: Codec = {
  write(w, v) {
    w.ensure(4);
    w.off = w.buf.writeUInt32LE(Math.floor(epochMs(v) / 1000), w.off);
  },
  read: (r) => toClickHouseTime(r.take(4).readUInt32LE() * 1000).slice(0, 19),
};

const DATE: Codec = {
  write(w, v) {
    w.ensure(2);
    w.off = w.buf.writeUInt16LE(Math.floor(epochMs(v) / DAY_MS), w.off);
  },
  read: (r) => toClickHouseTime(r.take(2).readUInt16LE() * DAY_MS).slice(0, 10),
};

function fixedString(n: number): Codec {
  return {
    write(w, v) {
      if (typeof v !== 'string' || Buffer.byteLength(v) > n) throw new Error(`not a FixedString(${n})`);
      w.ensure(n);
      w.buf.fill(0, w.off, w.off + n);
      w.buf.write(v, w.off);
      w.off += n;
    },
    read: (r) => r.take(n).toString().replace(/\0+$/, ''),
  };
}

function nullable(inner: Codec): Codec {
  return {
    write(w, v) {
      w.ensure(1);
      w.buf[w.off++] = v === null ? 1 : 0;
      if (v !== null) inner.write(w, v);
    },
    read: (r) => (r.byte() ? null : inner.read(r)),
  };
}

function array(inner: Codec): Codec {
  return {
    write(w, v) {
      if (!Array.isArray(v)) throw new Error('not an array');
      w.varint(v.length);
      for (const x of v) inner.write(w, x);
    },
    read(r) {
      const n = r.varint();
      return Array.from({ length: n }, () => inner.read(r));
    },
  };
}

function map(key: Codec, value: Codec): Codec {
  return {
    write(w, v) {
      if (typeof v !== 'object' || v === null) throw new Error('not a map');
      const keys = Object.keys(v);
      w.varint(keys.length);
      for (const k of keys) {
        key.write(w, k);
        value.write(w, (v as Record<string, unknown>)[k]);
      }
    },
    read(r) {
      const out: Record<string, unknown> = {};
      for (let n = r.varint(); n > 0; n--) {
        const k = key.read(r) as string;
        out[k] = value.read(r);
      }
      return out;
    },
  };
}

function enumCodec(members: string[], bytes: 1 | 2): Codec {
  const byName = new Map<string, number>();
  const byValue = new Map<number, string>();
  for (const m of members) {
    const [, name, value] = /^'((?:[^'\\]|\\.)*)'\s*=\s*(-?\d+)$/.exec(m) ?? [];
    if (name === undefined) throw new Error(`enum member ${m} needs an explicit value`);
    byName.set(name, Number(value));
    byValue.set(Number(value), name);
  }
  return {
    write(w, v) {
      const n = byName.get(String(v));
      if (n === undefined) throw new Error(`not a member of the enum: ${String(v)}`);
      w.ensure(bytes);
      w.off = bytes === 1 ? w.buf.writeInt8(n, w.off) : w.buf.writeInt16LE(n, w.off);
    },
    read: (r) => byValue.get(bytes === 1 ? r.take(1).readInt8() : r.take(2).readInt16LE()),
  };
}
