/**
 * The spool plugin's `append` with a real spool and real ClickHouse: embedded, the `events` rows of
 * the requests of one turn of the event loop become one spool record per site (spool/coalesce.ts);
 * against a server, each request stays its own record of JSON lines. Either way every row is stored
 * once, and a request whose row does not fit its column is kept apart, as JSON, and refused by
 * ClickHouse into dead_letters, without taking the others' rows with it.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../base/config.js';
import { STORE_MODE, pageview, sql, testApp, testConfig } from '../app/test-support.js';
import { toEventRow, type BatchContext } from '../ingest/to-row.js';
import type { ValidEvent } from '../ingest/schema.js';
import { listSegments, readSegment } from '../spool/segment.js';

let config: Config;
let app: FastifyInstance;
beforeAll(async () => {
  config = testConfig();
  app = await testApp(config);
});
afterAll(() => app?.close());

const ua = {
  browser: 'Chrome',
  browser_version: '126',
  os: 'Linux',
  os_version: '',
  device_type: 'desktop',
  is_bot: false,
};
const rowsOf = (siteId: string, n: number) => {
  const ctx: BatchContext = {
    siteId,
    siteDomains: ['localhost'],
    retentionDays: 0,
    receivedAt: Date.now(),
    clockOffset: 0,
    userAgent: ua,
    sdkVersion: 'test',
  };
  return Array.from({ length: n }, () => toEventRow(pageview() as ValidEvent, ctx));
};

/** The spool's `events` records of `site`, as written on disk: rows per record. */
const recordsOf = (site: string) =>
  listSegments(config.spool.dir)
    .flatMap((seq) => readSegment(config.spool.dir, seq).records)
    .filter((r) => r.table === 'events' && r.owner === site)
    .map((r) => r.rows);

const storedIds = async (site: string) =>
  (await sql<{ id: string }>(app, `SELECT toString(event_id) AS id FROM events WHERE site_id = '${site}'`)).map(
    (r) => r.id,
  );

describe('spool plugin: appends of one turn', () => {
  it('make one record per site (embedded; one per request against a server), every row stored once', async () => {
    const a = Array.from({ length: 10 }, () => rowsOf('coalesce_a', 1));
    const b = [rowsOf('coalesce_b', 2), rowsOf('coalesce_b', 3)];
    await Promise.all([...a, ...b].map((rows) => app.spool.append('events', rows)));
    const embedded = STORE_MODE === 'embedded';
    expect(recordsOf('coalesce_a')).toEqual(embedded ? [10] : Array(10).fill(1));
    expect(recordsOf('coalesce_b')).toEqual(embedded ? [5] : [2, 3]);
    expect(await app.spool.drained(30_000)).toBe(true);
    const ids = (rows: ReturnType<typeof rowsOf>[]) => rows.flat().map((r) => r.event_id);
    expect((await storedIds('coalesce_a')).sort()).toEqual(ids(a).sort());
    expect((await storedIds('coalesce_b')).sort()).toEqual(ids(b).sort());
  });

  it("keeps a request whose row does not fit its column apart: the others' rows are stored, its own go to dead_letters", async () => {
    const good = Array.from({ length: 3 }, () => rowsOf('coalesce_c', 2));
    const bad = [{ ...rowsOf('coalesce_c', 1)[0]!, event_id: 'not-a-uuid' }];
    const results = await Promise.allSettled([...good, bad].map((rows) => app.spool.append('events', rows)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    // Spooled request by request (embedded: the three in Native columns, the fourth as JSON lines).
    expect(recordsOf('coalesce_c')).toEqual([2, 2, 2, 1]);
    expect(await app.spool.drained(30_000)).toBe(true);
    expect((await storedIds('coalesce_c')).sort()).toEqual(
      good
        .flat()
        .map((r) => r.event_id)
        .sort(),
    );
    const dead = await sql<{ payload: string }>(app, "SELECT payload FROM dead_letters WHERE stage = 'insert'");
    expect(dead.filter((d) => d.payload.includes('not-a-uuid'))).toHaveLength(1);
  });
});
