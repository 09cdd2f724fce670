import { describe, expect, it } from 'vitest';
import { PrettyLog } from './log-format.js';

describe('pretty logs (development)', () => {
  it('joins a request into one line and keeps other fields', () => {
    const log = new PrettyLog();
    const time = Date.UTC(2026, 10, 25, 10, 2, 34);
    expect(
      log.line({
        level: 30,
        time,
        msg: 'incoming request',
        reqId: 'req-7',
        req: { method: 'POST', url: '/v1/events' },
      }),
    ).toBeUndefined();
    expect(
      log.line({
        level: 30,
        time,
        msg: 'request completed',
        reqId: 'req-7',
        res: { statusCode: 202 },
        responseTime: 3.14,
      }),
    ).toBe('10:02:34 INFO  POST /v1/events → 202 in 3.1 ms  req-7');
    expect(
      log.line({
        level: 40,
        time,
        msg: 'spool: insert into ClickHouse failed; retrying',
        attempt: 2,
        pid: 1,
        hostname: 'h',
      }),
    ).toBe('10:02:34 WARN  spool: insert into ClickHouse failed; retrying {"attempt":2}');
  });
});
