/**
 * The binary formats of a spool's records (spool/segment.ts): a record names its format by id
 * (`NativeColumns.<hash of its column list>` since issue 16's writer work, storage/native-columns.ts;
 * `RowBinary.<hash>` as earlier releases wrote, still read), and the column list is kept beside the segments as
 * `format-<id>.json`, written (fsync'd) before the first record that uses it. So a record stays
 * readable after an upgrade changed the table's columns: the insert names the record's own columns
 * and ClickHouse converts them to the table's types.
 */
import { existsSync, openSync, closeSync, fsyncSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NativeColumnsCodec } from '../storage/native-columns.js';
import { RowBinaryCodec, type Column } from '../storage/row-binary.js';

/** A binary record format: its id, column list, and rows back as JSONEachRow objects. */
export type SpoolCodec = RowBinaryCodec | NativeColumnsCodec;

export class SpoolFormats {
  private readonly known = new Map<string, SpoolCodec>();

  constructor(private readonly dir: string) {}

  /** Makes `codec` a format records can be written in; returns its id. */
  register(codec: SpoolCodec): string {
    const file = this.fileOf(codec.formatId);
    if (!existsSync(file)) {
      writeFileSync(`${file}.tmp`, JSON.stringify({ columns: codec.columns }), { flush: true });
      renameSync(`${file}.tmp`, file);
      const d = openSync(this.dir, 'r');
      try {
        fsyncSync(d);
      } finally {
        closeSync(d);
      }
    }
    this.known.set(codec.formatId, codec);
    return codec.formatId;
  }

  /** The codec of a record's format (throws INCORRECT_DATA, a data error, when the spool has no such format). */
  codec(id: string): SpoolCodec {
    let codec = this.known.get(id);
    if (codec) return codec;
    let columns: Column[];
    try {
      columns = (JSON.parse(readFileSync(this.fileOf(id), 'utf8')) as { columns: Column[] }).columns;
    } catch (err) {
      throw new Error(`INCORRECT_DATA: the spool has no column list for its record format ${id}`, { cause: err });
    }
    try {
      codec = id.startsWith('NativeColumns.') ? new NativeColumnsCodec(columns) : new RowBinaryCodec(columns);
    } catch (err) {
      throw new Error(`INCORRECT_DATA: the spool's column list for ${id} has a type it cannot read`, { cause: err });
    }
    this.known.set(id, codec);
    return codec;
  }

  private fileOf(id: string): string {
    if (!/^(?:RowBinary|NativeColumns)\.[0-9a-f]{16}$/.test(id))
      throw new Error(`INCORRECT_DATA: unknown spool record format ${id}`);
    return path.join(this.dir, `format-${id}.json`);
  }
}
