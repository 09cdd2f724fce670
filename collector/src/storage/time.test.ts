import { describe, expect, it } from 'vitest';
import { toClickHouseTime, viaDate } from './time.js';

describe('toClickHouseTime', () => {
  it('formats exactly as Date does: random times, day and year edges, leap days, fractions, out of range', () => {
    const edges = [
      0,
      1,
      999,
      1000,
      59_999,
      86_399_999,
      86_400_000,
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(2100, 0, 1),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      253_402_300_800_000,
      -1,
      -86_400_001,
      1.5,
      1_700_000_000_000.25,
    ];
    const random = Array.from({ length: 20_000 }, () => Math.floor(Math.random() * Date.UTC(2200, 0, 1)));
    // Alternating days exercises the cached date part being replaced.
    for (const ms of [...edges, ...random, ...edges]) expect(toClickHouseTime(ms)).toBe(viaDate(ms));
    expect(toClickHouseTime(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02 03:04:05.006');
  });
});
