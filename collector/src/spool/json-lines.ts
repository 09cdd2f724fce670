/**
 * Rows as the JSONEachRow lines the spool keeps and ClickHouse inserts. A JS string (and JSON) may
 * hold a lone UTF-16 surrogate, which is not valid UTF-8 and which ClickHouse refuses; it becomes
 * U+FFFD. JSON.stringify writes exactly those — and only those — as `\udXXX` escapes (a valid pair
 * is written as it is), so the scrub is one scan of the text, and a replace only when one is there.
 */
const LONE_SURROGATE_ESCAPE = /(?<=(?:^|[^\\])(?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

export function jsonLines(rows: readonly object[]): string {
  const text = `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
  return text.includes('\\ud') ? text.replace(LONE_SURROGATE_ESCAPE, '\\ufffd') : text;
}
