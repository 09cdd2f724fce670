/**
 * CSV writing for report exports (RFC 4180: every text cell quoted, quotes doubled, CRLF). Safe to
 * open in a spreadsheet: a text cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a
 * leading `'` so it is shown as text, never run as a formula (OWASP "CSV injection"). Numbers are
 * written as numbers (a negative ROI stays a number); missing values are empty cells.
 */

export type Cell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const text = FORMULA_START.test(v) ? `'${v}` : v;
  return `"${text.replace(/"/g, '""')}"`;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
