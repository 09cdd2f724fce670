/**
 * 'YYYY-MM-DD hh:mm:ss.sss' in UTC: the text form a DateTime64(3, 'UTC') column reads.
 * On the ingest hot path (three per event): the date part is kept for the last day seen and the
 * time of day is formatted by arithmetic; anything unusual (fractions, before 1970, after 9999)
 * takes Date's own formatting, which the fast path equals (storage/time.test.ts).
 */
export function toClickHouseTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= MAX_MS) return viaDate(ms);
  const day = Math.floor(ms / DAY_MS);
  if (day !== lastDay) {
    lastDay = day;
    lastDayText = viaDate(day * DAY_MS).slice(0, 11);
  }
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const f = rest - s * 1000;
  return `${lastDayText}${TWO[h]}:${TWO[m]}:${TWO[s]}.${f < 10 ? '00' : f < 100 ? '0' : ''}${f}`;
}

/** The reference formatting. */
export function viaDate(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

const DAY_MS = 86_400_000;
/** 10000-01-01: from there on the year has five digits. */
const MAX_MS = 253_402_300_800_000;
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
let lastDay = -1;
let lastDayText = '';
