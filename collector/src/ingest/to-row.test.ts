// Event times as docs/api.md ("Event times") states them: the browser's clock, corrected by
// `sent_at`; older than 30 days or more than 60 s ahead → the arrival time.
import { describe, expect, it } from 'vitest';
import { clockOffset, correctTime } from './to-row.js';

const DAY = 86_400_000;
const receivedAt = Date.UTC(2026, 11, 3, 12);

describe('event times', () => {
  it('keeps times up to 30 days back and re-times older ones (and ones ahead) to the arrival', () => {
    const ctx = { receivedAt, clockOffset: 0 };
    expect(correctTime(receivedAt - 29 * DAY, ctx)).toBe(receivedAt - 29 * DAY);
    expect(correctTime(receivedAt - 31 * DAY, ctx)).toBe(receivedAt);
    expect(correctTime(receivedAt + 30_000, ctx)).toBe(receivedAt + 30_000);
    expect(correctTime(receivedAt + 5 * 60_000, ctx)).toBe(receivedAt);
  });

  it("corrects a browser clock more than 60 s off by the batch's sent_at", () => {
    const offset = clockOffset(receivedAt, receivedAt - 3_600_000); // the browser is an hour behind
    expect(offset).toBe(3_600_000);
    expect(correctTime(receivedAt - 3_600_000 - 5_000, { receivedAt, clockOffset: offset })).toBe(receivedAt - 5_000);
    expect(clockOffset(receivedAt, receivedAt - 30_000)).toBe(0);
  });
});
