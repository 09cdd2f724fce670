/**
 * Numbers as a marketer reads them, in the browser's locale: whole counts, attributed (fractional)
 * conversions to one decimal, money in the site's currency, rates as percentages, dates in UTC
 * (the reports' days are UTC days). Missing values (a ratio with nothing to divide by) are "—".
 */

const NONE = '—';
const cache = new Map<string, Intl.NumberFormat>();
function nf(key: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.NumberFormat(undefined, opts)));
  return f;
}

const isNum = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n);

/** 1,956 */
export function int(n: number | null | undefined): string {
  return isNum(n) ? nf('int', { maximumFractionDigits: 0 }).format(n) : NONE;
}

/** Attributed conversions: 77.2, 36 */
export function count(n: number | null | undefined): string {
  return isNum(n) ? nf('count', { maximumFractionDigits: 1 }).format(n) : NONE;
}

/** €65,652 (no cents from 100 up); a plain number when the currency is unknown. */
export function money(n: number | null | undefined, currency: string): string {
  if (!isNum(n)) return NONE;
  const digits = Math.abs(n) >= 100 || n === 0 ? 0 : 2;
  if (!currency) return nf(`n${digits}`, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
  try {
    return nf(`${currency}${digits}`, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(n);
  } catch {
    return `${nf(`n${digits}`, { maximumFractionDigits: digits }).format(n)} ${currency}`;
  }
}

/** Axis ticks and chart labels: 1.2K, €35K */
export function compact(n: number, currency = ''): string {
  const opts: Intl.NumberFormatOptions = { notation: 'compact', maximumFractionDigits: 1 };
  if (currency) Object.assign(opts, { style: 'currency', currency });
  try {
    return nf(`c${currency}`, opts).format(n);
  } catch {
    return nf('c', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
  }
}

/** A ratio as a percentage: 0.0727 → 7.3% */
export function percent(r: number | null | undefined): string {
  return isNum(r) ? nf('pct', { style: 'percent', maximumFractionDigits: 1 }).format(r) : NONE;
}

/** Return on ad spend: 2.44× */
export function times(r: number | null | undefined): string {
  return isNum(r) ? `${nf('x', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(r)}×` : NONE;
}

/** A ClickHouse timestamp ('2026-11-05 18:05:57.444', UTC) or an ISO string as a Date. */
export function parseTime(ts: unknown): Date | null {
  if (typeof ts !== 'string' || !ts) return null;
  const iso = /^\d{4}-\d{2}-\d{2} \d/.test(ts) ? `${ts.replace(' ', 'T')}Z` : ts;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

const dayFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const longDayFmt = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});
const timeFmt = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** A report day ('2026-11-05') as "Nov 5", or with `long` as "Thu, Nov 5, 2026". */
export function day(d: string, long = false): string {
  const date = new Date(`${d}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? d : (long ? longDayFmt : dayFmt).format(date);
}

/** A moment in the viewer's time zone: "Nov 5, 2026, 07:05 PM" */
export function dateTime(ts: unknown): string {
  const d = parseTime(ts);
  return d ? timeFmt.format(d) : NONE;
}

/** An empty dimension value (no campaign, no source) as the reports name it. */
export function key(k: string): string {
  return k === '' ? '(none)' : k;
}
