import { describe, expect, it } from 'vitest';
import { addDays, dayOf, daysBetween, isTimeZone, startOfDay, yearEarlier } from './time-zone.js';

describe('calendar days in a time zone', () => {
  it('finds where a day starts, across daylight-saving changes', () => {
    expect(new Date(startOfDay('2026-01-15', 'UTC')).toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(new Date(startOfDay('2026-01-15', 'Europe/Paris')).toISOString()).toBe('2026-01-14T23:00:00.000Z');
    expect(new Date(startOfDay('2026-07-15', 'Europe/Paris')).toISOString()).toBe('2026-07-14T22:00:00.000Z');
    expect(new Date(startOfDay('2026-03-29', 'Europe/Paris')).toISOString()).toBe('2026-03-28T23:00:00.000Z'); // the 23-hour day
    expect(startOfDay('2026-03-30', 'Europe/Paris') - startOfDay('2026-03-29', 'Europe/Paris')).toBe(23 * 3_600_000);
    expect(new Date(startOfDay('2026-11-02', 'America/Los_Angeles')).toISOString()).toBe('2026-11-02T08:00:00.000Z');
  });

  it('names the day of an instant, and counts the days of a range', () => {
    expect(dayOf(Date.parse('2026-01-14T23:30:00Z'), 'Europe/Paris')).toBe('2026-01-15');
    expect(dayOf(Date.parse('2026-01-14T23:30:00Z'), 'UTC')).toBe('2026-01-14');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    const from = startOfDay('2026-03-28', 'Europe/Paris');
    expect(daysBetween(from, startOfDay('2026-03-31', 'Europe/Paris'), 'Europe/Paris')).toEqual([
      '2026-03-28',
      '2026-03-29',
      '2026-03-30',
    ]);
  });

  it('shifts by a year on the wall clock', () => {
    expect(new Date(yearEarlier(startOfDay('2026-07-01', 'Europe/Paris'), 'Europe/Paris')).toISOString()).toBe(
      '2025-06-30T22:00:00.000Z',
    );
    expect(new Date(yearEarlier(Date.parse('2028-02-29T12:00:00Z'), 'UTC')).toISOString()).toBe(
      '2027-02-28T12:00:00.000Z',
    );
  });

  it('knows IANA names only', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('closeloop sites set --time-zone / --source-fields', () => {
  it('changes the site in the store when no collector runs, and refuses an unknown time zone', async () => {
    const { mkdtempSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { main } = await import('../cli/main.js');
    const env = {
      CLOSELOOP_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'closeloop-tz-')),
      CLOSELOOP_ADMIN_TOKEN: 'test-admin-token-0123456789',
      CLOSELOOP_URL: 'http://127.0.0.1:9',
    };
    expect(await main(['sites', 'add', 'tz.example.com'], env, () => true)).toBe(0);
    const out: string[] = [];
    expect(
      await main(
        [
          'sites',
          'set',
          'tz.example.com',
          '--time-zone',
          'Europe/Paris',
          '--source-fields',
          'referral, How did you hear?',
        ],
        env,
        (s) => out.push(s) > 0,
      ),
    ).toBe(0);
    expect(out.join('\n')).toContain('time zone Europe/Paris; stated source fields referral, How did you hear?');
    const errors: string[] = [];
    expect(
      await main(['sites', 'set', 'tz.example.com', '--time-zone', 'Mars/Olympus'], env, (s) => errors.push(s) > 0),
    ).not.toBe(0);
  }, 60_000);
});
