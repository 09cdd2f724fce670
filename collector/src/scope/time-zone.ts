/**
 * Calendar days in a site's time zone (IANA name, e.g. `Europe/Paris`; `UTC` by default): where a
 * day starts, which day an instant falls on, and the same range a period or a year earlier. Plain
 * `Intl`, no library; daylight-saving changes give 23- and 25-hour days.
 */

const formats = new Map<string, Intl.DateTimeFormat>();
function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(tz, f);
  }
  return f;
}

/** True for a time zone this runtime knows (`UTC`, `Europe/Paris` …). */
export function isTimeZone(tz: string): boolean {
  try {
    format(tz);
    return true;
  } catch {
    return false;
  }
}

/** Local wall-clock time minus UTC at instant `at`, in ms (+3,600,000 for Paris in winter). */
export function offsetMs(at: number, tz: string): number {
  const parts = Object.fromEntries(
    format(tz)
      .formatToParts(new Date(at))
      .map((p) => [p.type, Number(p.value)]),
  );
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(at / 1000) * 1000;
}

/** The instant a calendar day (`YYYY-MM-DD`) starts in `tz`. */
export function startOfDay(day: string, tz: string): number {
  const wall = Date.parse(`${day}T00:00:00Z`);
  const first = wall - offsetMs(wall, tz);
  return wall - offsetMs(first, tz);
}

/** The calendar day (`YYYY-MM-DD`) instant `at` falls on in `tz`. */
export function dayOf(at: number, tz: string): string {
  return new Date(at + offsetMs(at, tz)).toISOString().slice(0, 10);
}

/** `day` plus `n` calendar days (`n` may be negative). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The same wall-clock time a year earlier (29 February → 28 February). */
export function yearEarlier(at: number, tz: string): number {
  const wall = new Date(at + offsetMs(at, tz));
  const y = wall.getUTCFullYear() - 1;
  const lastDay = new Date(Date.UTC(y, wall.getUTCMonth() + 1, 0)).getUTCDate();
  const shifted = Date.UTC(
    y,
    wall.getUTCMonth(),
    Math.min(wall.getUTCDate(), lastDay),
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
    wall.getUTCMilliseconds(),
  );
  const first = shifted - offsetMs(shifted, tz);
  return shifted - offsetMs(first, tz);
}

/** Every calendar day in `tz` that [from, to) touches, in order. */
export function daysBetween(from: number, to: number, tz: string): string[] {
  const days: string[] = [];
  for (let d = dayOf(from, tz); startOfDay(d, tz) < to; d = addDays(d, 1)) days.push(d);
  return days;
}
