/**
 * Report filters: a segment of sessions chosen by the touch that started them (channel, source,
 * medium, campaign, term, content, referrer domain, landing page) and by the device, browser and
 * OS of their first event. Names come from this allow-list only; values are bound as query
 * parameters (`{f_channel:String}` …), never written into the SQL. `(none)` selects the empty value
 * — the label reports give it (see `label`).
 */

import { CLIENT_FILTERS, FILTERS, TOUCH_FILTERS, type Filter } from '../../../contract/attribution.js';

export { CLIENT_FILTERS, FILTERS, TOUCH_FILTERS, type Filter };
/** Filters on the browser of a session's first event: the `events` column each reads. */
const CLIENT_COLUMNS: Readonly<Record<(typeof CLIENT_FILTERS)[number], string>> = {
  device: 'device_type',
  browser: 'browser',
  os: 'os',
};
export type Filters = Partial<Record<Filter, string>>;

/** What an empty value (no campaign, no term …) is called in reports, and how to filter for it. */
export const NONE = '(none)';
export const label = (value: string): string => (value === '' ? NONE : value);

/** Spend is known per channel, source, medium and campaign only. */
export const COST_FILTERS = ['channel', 'source', 'medium', 'campaign'] as const;

export function activeFilters(f: Filters): [Filter, string][] {
  return FILTERS.flatMap((name) => (f[name] === undefined ? [] : [[name, f[name]!] as [Filter, string]]));
}

/** The bound values: `f_<name>` → the value (`(none)` → ''). */
export function filterParams(f: Filters): Record<string, string> {
  return Object.fromEntries(activeFilters(f).map(([name, v]) => [`f_${name}`, v === NONE ? '' : v]));
}

/** How a filter names a column where the SQL reads it (a tuple element, a table alias …). */
export type Columns = (name: Filter | 'session_id') => string;
const plain: Columns = (name) => name;

/**
 * The condition a session (or a touch) must meet, over columns named like the `sessions` table's
 * (`session_id`, `channel` … `landing_page`); '1' without filters. Device, browser and OS are read
 * from the session's first event in `events` (by session id).
 */
export function sessionFilterSql(f: Filters, database: string, col: Columns = plain): string {
  const active = activeFilters(f);
  const conds = active
    .filter(([n]) => (TOUCH_FILTERS as readonly string[]).includes(n))
    .map(([n]) => `${col(n)} = {f_${n}:String}`);
  const client = active
    .filter(([n]) => n in CLIENT_COLUMNS)
    .map(([n]) => `${CLIENT_COLUMNS[n as keyof typeof CLIENT_COLUMNS]} = {f_${n}:String}`);
  if (client.length) {
    conds.push(
      `${col('session_id')} IN (SELECT session_id FROM ${database}.events WHERE site_id = {site:String} AND session_start AND ${client.join(' AND ')})`,
    );
  }
  return conds.length ? conds.join(' AND ') : '1';
}

/** The condition on `events` rows: their session's touch matches, and their own device, browser and OS. */
export function eventFilterSql(f: Filters, database: string): string {
  const active = activeFilters(f);
  const touch = active.filter(([n]) => (TOUCH_FILTERS as readonly string[]).includes(n));
  const conds = active
    .filter(([n]) => n in CLIENT_COLUMNS)
    .map(([n]) => `${CLIENT_COLUMNS[n as keyof typeof CLIENT_COLUMNS]} = {f_${n}:String}`);
  if (touch.length) {
    conds.push(
      `session_id IN (SELECT session_id FROM ${database}.sessions WHERE site_id = {site:String} AND ${touch.map(([n]) => `${n} = {f_${n}:String}`).join(' AND ')})`,
    );
  }
  return conds.length ? conds.join(' AND ') : '1';
}

/** The condition on `costs` rows (spend is known per channel, source, medium and campaign). */
export function costFilterSql(f: Filters): string {
  const conds = activeFilters(f)
    .filter(([n]) => (COST_FILTERS as readonly string[]).includes(n))
    .map(([n]) => `${n} = {f_${n}:String}`);
  return conds.length ? conds.join(' AND ') : '1';
}

/** Rounded as reported: money to cents, ratios to 4 decimals, attributed (fractional) conversions to 6. */
export const round = {
  money: (n: number) => Math.round(n * 100) / 100 + 0,
  ratio: (n: number | null) => (n === null ? null : Math.round(n * 1e4) / 1e4 + 0),
  credit: (n: number) => Math.round(n * 1e6) / 1e6 + 0,
};
