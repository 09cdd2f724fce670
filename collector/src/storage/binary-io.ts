/**
 * The byte-level pieces shared by the binary formats the spool writes and chDB reads (RowBinary,
 * storage/row-binary.ts; Native columns, storage/native-columns.ts): a growing writer, a bounds-checked
 * reader, and the parsing of ClickHouse type expressions.
 */

export interface Column {
  readonly name: string;
  readonly type: string;
}

/**
 * Spool records one after another: one buffer, or the records' own buffers in order (a writer's batch,
 * which then needs no copy to join them).
 */
export type Records = Buffer | readonly Buffer[];

/** The records as one buffer (a copy only when there are several). */
export function joined(records: Records): Buffer {
  if (Buffer.isBuffer(records)) return records;
  const list = records as readonly Buffer[];
  return list.length === 1 ? list[0]! : Buffer.concat(list);
}

/** The records as a list of buffers (no copy). */
export const recordList = (records: Records): readonly Buffer[] =>
  Buffer.isBuffer(records) ? [records] : (records as readonly Buffer[]);

/** Writes into one growing buffer; `finish()` returns the bytes written. */
export class RowWriter {
  buf: Buffer;
  off = 0;
  constructor(size = 8192) {
    this.buf = Buffer.allocUnsafe(size);
  }
  ensure(n: number): void {
    if (this.off + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + n));
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }
  varint(n: number): void {
    this.ensure(10);
    while (n >= 0x80) {
      this.buf[this.off++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.off++] = n;
  }
  string(s: string): void {
    // UTF-8 is at most 3 bytes per UTF-16 unit; a lone surrogate is written as U+FFFD (as jsonLines does).
    const len = s.length;
    if (len < 128) {
      // Short ASCII (most values) is copied here: a call into Buffer#write costs more than the loop.
      this.ensure(len + 1);
      const { buf, off } = this;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c > 127) break;
        buf[off + 1 + i] = c;
      }
      if (i === len) {
        buf[off] = len;
        this.off = off + 1 + len;
        return;
      }
    }
    const max = len * 3;
    if (max < 128) {
      this.ensure(max + 1);
      const n = this.buf.write(s, this.off + 1);
      this.buf[this.off] = n;
      this.off += n + 1;
      return;
    }
    const n = Buffer.byteLength(s);
    this.varint(n);
    this.ensure(n);
    this.off += this.buf.write(s, this.off);
  }
  finish(): Buffer {
    return this.buf.subarray(0, this.off);
  }
}

export class RowReader {
  off = 0;
  constructor(readonly buf: Buffer) {}
  varint(): number {
    let n = 0;
    let mul = 1;
    for (;;) {
      const b = this.byte();
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
      mul *= 128;
    }
  }
  byte(): number {
    if (this.off >= this.buf.length) throw new Error('RowBinary: unexpected end of data');
    return this.buf[this.off++]!;
  }
  take(n: number): Buffer {
    if (this.off + n > this.buf.length) throw new Error('RowBinary: unexpected end of data');
    const b = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return b;
  }
  get done(): boolean {
    return this.off >= this.buf.length;
  }
}

/** The type expression at the start of a column definition (without CODEC, DEFAULT, TTL …). */
export function baseType(definition: string): string {
  const s = definition.trim();
  const name = /^[A-Za-z][A-Za-z0-9_]*/.exec(s)?.[0];
  if (!name) throw new Error(`no type in ${definition}`);
  let i = name.length;
  if (s[i] !== '(') return name;
  let depth = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === "'") i = s.indexOf("'", i + 1);
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return s.slice(0, i + 1);
  }
  throw new Error(`unbalanced type ${definition}`);
}

/** Top-level comma-separated arguments of `Name(a, b(c, d), 'e,f')`. */
export function args(type: string): string[] {
  const inner = type.slice(type.indexOf('(') + 1, -1);
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === "'") i = inner.indexOf("'", i + 1);
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(inner.slice(from, i).trim());
      from = i + 1;
    }
  }
  out.push(inner.slice(from).trim());
  return out;
}
