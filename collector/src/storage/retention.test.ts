/** Retention per site: a site's events carry its retention, and ClickHouse's TTL deletes them when they are older. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, CHROME_UA, batch, pageview, sql, testApp } from '../app/test-support.js';
import { toClickHouseTime } from './time.js';

let app: FastifyInstance;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
beforeAll(async () => {
  app = await testApp();
});
afterAll(() => app?.close());

describe('retention', () => {
  it('stores the site retention with each event; the TTL removes events older than it', async () => {
    const site = (
      await app.inject({
        method: 'POST',
        url: '/v1/admin/sites',
        headers: admin,
        payload: { domain: 'short.example.com' },
      })
    ).json();
    const changed = await app.inject({
      method: 'PATCH',
      url: '/v1/admin/sites/short.example.com',
      headers: admin,
      payload: { retention_days: 30, domains: ['short.example.com', 'short.example.org'] },
    });
    expect(changed.json()).toMatchObject({
      site_id: 'short.example.com',
      retention_days: 30,
      domains: ['short.example.com', 'short.example.org'],
    });

    const fresh = pageview({ url: 'https://short.example.org/', session_id: randomUUID(), session_start: true });
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/events',
          headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA, origin: 'https://short.example.org' },
          payload: JSON.stringify(batch([fresh], site.public_key)),
        })
      ).statusCode,
    ).toBe(202);
    const [row] = await sql<{ retention_days: number }>(
      app,
      `SELECT retention_days FROM events WHERE event_id = '${fresh.id}'`,
    );
    expect(row).toEqual({ retention_days: 30 });

    // Rows as the collector writes them, 40 and 10 days old.
    const [template] = await app.db.query<Record<string, unknown>>(
      `SELECT * EXCEPT (ts) FROM ${app.db.database}.events WHERE event_id = {id:UUID}`,
      { id: fresh.id },
    );
    const at = (days: number) => {
      const ts = toClickHouseTime(Date.now() - days * 86_400_000);
      return { ...template, event_id: randomUUID(), session_id: randomUUID(), ts, session_ts: ts };
    };
    const old = at(40);
    const recent = at(10);
    await app.db.insert('events', [old, recent]);
    await app.db.command(`OPTIMIZE TABLE ${app.db.database}.events FINAL`);
    // (by session: a merge zeroes the ids of rows older than a week that identify no one)
    const left = await sql<{ id: string }>(
      app,
      "SELECT toString(session_id) AS id FROM events WHERE site_id = 'short.example.com' ORDER BY ts",
    );
    expect(left.map((r) => r.id)).toEqual([recent.session_id, fresh.session_id]);
    // The sessions the events started (the attribution touches) follow the same retention.
    await app.db.command(`OPTIMIZE TABLE ${app.db.database}.sessions FINAL`);
    const sessions = await sql<{ id: string; retention_days: number }>(
      app,
      "SELECT toString(session_id) AS id, retention_days FROM sessions WHERE site_id = 'short.example.com' ORDER BY ts",
    );
    expect(sessions).toEqual([
      { id: recent.session_id, retention_days: 30 },
      { id: fresh.session_id, retention_days: 30 },
    ]);
  });

  it('refuses an empty or bad change', async () => {
    expect(
      (await app.inject({ method: 'PATCH', url: '/v1/admin/sites/short.example.com', headers: admin, payload: {} }))
        .statusCode,
    ).toBe(400);
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: '/v1/admin/sites/short.example.com',
          headers: admin,
          payload: { retention_days: -1 },
        })
      ).json(),
    ).toMatchObject({ path: 'retention_days' });
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: '/v1/admin/sites/nope.example.com',
          headers: admin,
          payload: { retention_days: 1 },
        })
      ).json(),
    ).toMatchObject({ code: 'CL_UNKNOWN_SITE' });
  });
});
