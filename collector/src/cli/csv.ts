/**
 * CSV reading for CRM exports (RFC 4180: quoted fields, doubled quotes, commas and line breaks
 * inside quotes, CRLF, a UTF-8 BOM), streamed record by record with the line each starts on.
 */
import { createReadStream } from 'node:fs';

export interface CsvRecord {
  /** 1-based line number where the record starts in the file. */
  line: number;
  fields: string[];
}

/** Parse CSV text incrementally: feed chunks, get complete records; `end()` flushes the last one. */
export class CsvParser {
  private field = '';
  private fields: string[] = [];
  private quoted = false;
  private afterQuote = false;
  private line = 1;
  private recordLine = 1;
  private started = false;
  private first = true;

  constructor(private readonly delimiter = ',') {}

  feed(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let text = chunk;
    if (this.first) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (this.quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            this.field += '"';
            i++;
          } else if (i + 1 === text.length) {
            this.quoted = false; // may be an escaped quote split across chunks: resolved by afterQuote
            this.afterQuote = true;
          } else {
            this.quoted = false;
          }
        } else {
          if (c === '\n') this.line++;
          this.field += c;
        }
        continue;
      }
      if (this.afterQuote) {
        this.afterQuote = false;
        if (c === '"') {
          this.field += '"';
          this.quoted = true;
          continue;
        }
      }
      if (c === '"' && this.field === '') {
        this.quoted = true;
        this.started = true;
      } else if (c === this.delimiter) {
        this.fields.push(this.field);
        this.field = '';
        this.started = true;
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && text[i + 1] === '\n') i++;
        this.endRecord(out);
        this.line++;
        this.recordLine = this.line;
      } else {
        this.field += c;
        this.started = true;
      }
    }
    return out;
  }

  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    this.endRecord(out);
    return out;
  }

  private endRecord(out: CsvRecord[]): void {
    if (this.started || this.fields.length > 0 || this.field !== '') {
      this.fields.push(this.field);
      out.push({ line: this.recordLine, fields: this.fields });
    }
    this.fields = [];
    this.field = '';
    this.started = false;
  }
}

export function parseCsv(text: string, delimiter = ','): CsvRecord[] {
  const p = new CsvParser(delimiter);
  return [...p.feed(text), ...p.end()];
}

/** Records of a file, streamed; `onBytes` reports progress. */
export async function* readCsvFile(
  file: string,
  delimiter = ',',
  onBytes?: (read: number) => void,
): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser(delimiter);
  let read = 0;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
    read += Buffer.byteLength(chunk as string);
    onBytes?.(read);
    yield* parser.feed(chunk as string);
  }
  yield* parser.end();
}
