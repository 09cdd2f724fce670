/**
 * Date ranges as a marketer picks them — presets or two dates — in the site's time zone. The
 * dashboard sends dates (`from`, and `to` = the day after the last day, exclusive); the collector
 * reads them as calendar days of the site, so the browser's own time zone never matters.
 */
import type { View } from './state.js';

export const PRESETS = [
  { id: 'today', label: 'Today' },
  { id: '7d', label: 'Last 7 days' },
  { id: '30d', label: 'Last 30 days' },
  { id: '90d', label: 'Last 90 days' },
  { id: 'month', label: 'This month' },
  { id: 'last-month', label: 'Last month' },
] as const;
export type Preset = (typeof PRESETS)[number]['id'];

/** `from` (first day) and `to` (the day after the last one), as the API takes them. */
export interface DayRange {
  from: string;
  to: string;
}

/** Today's date in a time zone: 2026-12-03. */
export function todayIn(timeZone: string, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      now,
    );
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The first day of the month `day` is in, moved by `months`. */
function monthStart(day: string, months = 0): string {
  const d = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

export function dayRange(view: Pick<View, 'range' | 'from' | 'to'>, today: string): DayRange {
  switch (view.range) {
    case 'custom':
      return { from: view.from, to: addDays(view.to, 1) };
    case 'today':
      return { from: today, to: addDays(today, 1) };
    case 'month':
      return { from: monthStart(today), to: addDays(today, 1) };
    case 'last-month':
      return { from: monthStart(today, -1), to: monthStart(today) };
    default: {
      const days = Number(view.range.replace('d', ''));
      return { from: addDays(today, 1 - days), to: addDays(today, 1) };
    }
  }
}

const fmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

/** "Nov 4, 2026 – Dec 3, 2026" for the days of a range (the last day included). */
export function describeRange(r: DayRange): string {
  const last = addDays(r.to, -1);
  const a = fmt.format(new Date(`${r.from}T00:00:00Z`));
  return r.from === last ? a : `${a} – ${fmt.format(new Date(`${last}T00:00:00Z`))}`;
}
