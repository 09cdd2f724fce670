/**
 * Rows as the JSONEachRow lines the spool keeps and ClickHouse inserts.
 *
 * Empty values are left out ('' , false, 0, the nil UUID, an empty map or array): ClickHouse fills
 * an omitted field with the column's default, which for every column a row carries is that same
 * empty value (checked against the live schema by storage/insert-dedup.test.ts). A page view's
 * row is about a quarter shorter, which the spool writes, checksums and ClickHouse parses less of.
 *
 * A JS string (and JSON) may hold a lone UTF-16 surrogate, which is not valid UTF-8 and which
 * ClickHouse refuses; it becomes U+FFFD. JSON.stringify writes exactly those — and only those — as
 * `\udXXX` escapes (a valid pair is written as it is), so the scrub is one scan of the text, and a
 * replace only when one is there.
 */
const LONE_SURROGATE_ESCAPE = /(?<=(?:^|[^\\])(?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export function jsonLines(rows: readonly object[]): string {
  let text = '';
  for (const r of rows) text += `${rowJson(r as Record<string, unknown>)}\n`;
  return text.includes('\\ud') ? text.replace(LONE_SURROGATE_ESCAPE, '\\ufffd') : text;
}

/** One row as a JSON object without its empty values (keys are column names: written as they are). */
export function rowJson(row: Record<string, unknown>): string {
  let s = '';
  for (const k in row) {
    const v = row[k];
    switch (typeof v) {
      case 'string':
        if (v === '' || v === NIL_UUID) continue;
        break;
      case 'number':
        if (v === 0) continue;
        break;
      case 'boolean':
        if (!v) continue;
        break;
      case 'object':
        if (v === null || isEmpty(v)) continue;
        break;
      default:
        continue; // undefined, functions: JSON.stringify leaves them out too
    }
    s += `,"${k}":${JSON.stringify(v)}`;
  }
  return s ? `{${s.slice(1)}}` : '{}';
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}
