/**
 * The spool's on-disk format. A segment is a file `<seq>.seg` (seq zero-padded, so names sort in
 * order) of records, each `u32 length | u32 crc32(payload) | payload` (little-endian). A payload
 * is a head line and the rows — the exact body of the later insert. The head is `<table>` for rows
 * as JSONEachRow lines (the only form of earlier releases, and still the form of every table but
 * embedded `events`), or `<table>\t<format>\t<rows>\t<owner>` for rows in a binary format
 * (`format` names it and its column list: plugins/spool-formats.ts).
 * A crash can leave a torn last record; reading stops at the first record whose length or
 * checksum does not hold, and everything before it is intact.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';

export const HEADER_BYTES = 8;

/** One spooled request: its rows for one table, and where it lives on disk. */
export interface SpoolRecord {
  readonly seq: number;
  /** Byte offset of the record's header in its segment, and of the byte after it. */
  readonly start: number;
  readonly end: number;
  readonly table: string;
  readonly rows: number;
  /** '' for JSONEachRow lines (newline-terminated), else the binary format's id. */
  readonly format: string;
  readonly body: Buffer;
}

/** A binary record's format id, row count and owner, written in its head line. */
export interface RecordFormat {
  readonly id: string;
  readonly rows: number;
}

/**
 * A record as the buffers one `writev` writes — header, `<table>\n`, body — without copying the
 * body; the checksum runs over the table line and the body (node:zlib's crc32, the same CRC-32).
 */
export function encodeRecord(table: string, body: Buffer, format?: RecordFormat, owner = ''): Buffer[] {
  const head = Buffer.from(format ? `${table}\t${format.id}\t${format.rows}\t${owner}\n` : `${table}\n`);
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(head.length + body.length, 0);
  header.writeUInt32LE(crc32(body, crc32(head)), 4);
  return [header, head, body];
}

export const recordBytes = (parts: readonly Buffer[]) => parts.reduce((n, p) => n + p.length, 0);

export function countLines(body: Buffer): number {
  let n = 0;
  for (let i = body.indexOf(10); i !== -1; i = body.indexOf(10, i + 1)) n++;
  return n;
}

/** The site a record's rows belong to (its first row's `site_id`; '' when there is none): the owner after a replay. */
export function ownerOf(body: Buffer): string {
  const nl = body.indexOf(10);
  try {
    const site = (JSON.parse(body.subarray(0, nl === -1 ? body.length : nl).toString()) as { site_id?: unknown })
      .site_id;
    return typeof site === 'string' ? site : '';
  } catch {
    return '';
  }
}

export const segmentName = (seq: number) => `${String(seq).padStart(12, '0')}.seg`;

/** Segment sequence numbers present in `dir`, ascending. */
export function listSegments(dir: string): number[] {
  return readdirSync(dir)
    .filter((f) => /^\d{12}\.seg$/.test(f))
    .map((f) => Number(f.slice(0, 12)))
    .sort((a, b) => a - b);
}

/** The intact records of a segment from byte `from` on; `torn` says whether garbage followed them. */
export function readSegment(
  dir: string,
  seq: number,
  from = 0,
): { records: (SpoolRecord & { owner: string })[]; torn: boolean } {
  const buf = readFileSync(path.join(dir, segmentName(seq)));
  const records: (SpoolRecord & { owner: string })[] = [];
  let off = from;
  while (off + HEADER_BYTES <= buf.length) {
    const len = buf.readUInt32LE(off);
    const end = off + HEADER_BYTES + len;
    if (end > buf.length) break;
    const payload = buf.subarray(off + HEADER_BYTES, end);
    if (crc32(payload) !== buf.readUInt32LE(off + 4)) break;
    const nl = payload.indexOf(10);
    if (nl <= 0) break;
    const body = Buffer.from(payload.subarray(nl + 1));
    const [table = '', format, rows, owner] = payload.subarray(0, nl).toString().split('\t');
    records.push(
      format === undefined
        ? { seq, start: off, end, table, format: '', rows: countLines(body), body, owner: ownerOf(body) }
        : { seq, start: off, end, table, format, rows: Number(rows), body, owner: owner ?? '' },
    );
    off = end;
  }
  return { records, torn: off !== buf.length };
}
