/** Backup → restore round trip on real embedded ClickHouse, through the collector's API and the store. */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, CHROME_UA, batch, pageview, sql, testApp, testConfig } from '../app/test-support.js';
import { MIGRATIONS } from '../schema/migrations.js';

const backupDir = mkdtempSync(path.join(os.tmpdir(), 'closeloop-backup-'));
const config = testConfig();
let app = await testApp(config);
afterAll(async () => {
  await app.close();
});

const snapshot = async () => ({
  events: await sql(app, 'SELECT toString(event_id) AS id, channel, utm_campaign, props FROM events ORDER BY id'),
  sites: await sql(app, 'SELECT site_id, public_key FROM sites FINAL ORDER BY site_id'),
  migrations: await sql(app, 'SELECT version FROM schema_migrations FINAL ORDER BY version'),
});

describe('backup and restore', () => {
  it('round-trips every table: restore gives back exactly what was backed up, and refuses to overwrite data', async () => {
    await app.inject({
      method: 'POST',
      url: '/v1/admin/sites',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { domain: 'shop.example.com' },
    });
    const events = Array.from({ length: 50 }, (_, i) =>
      pageview({
        touch: {
          ts: Date.now(),
          referrer: '',
          landing_url: 'http://localhost/?utm_campaign=c' + (i % 5),
          utm_campaign: `c${i % 5}`,
        },
      }),
    );
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/events',
          headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA },
          payload: JSON.stringify(batch(events)),
        })
      ).statusCode,
    ).toBe(202);
    const before = await snapshot();
    expect(before.events).toHaveLength(50);

    const res = await app.inject({
      method: 'POST',
      url: '/v1/admin/backup',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { dir: backupDir },
    });
    expect(res.statusCode).toBe(200);
    const manifest = JSON.parse(readFileSync(path.join(backupDir, 'manifest.json'), 'utf8')) as {
      tables: { name: string; rows: number }[];
    };
    expect(manifest.tables.find((t) => t.name === 'events')?.rows).toBe(50);

    // Lose everything: a new, empty data directory.
    await app.close();
    const fresh = testConfig();
    app = await testApp(fresh);
    expect((await snapshot()).events).toHaveLength(0);
    await app.close();

    const { restore } = await import('./backup.js');
    const { withDirectDb } = await import('../cli/admin-client.js');
    await withDirectDb(fresh, (db) => restore(db, backupDir, MIGRATIONS));
    app = await testApp(fresh);
    expect(await snapshot()).toEqual(before);
    await app.close();

    await expect(withDirectDb(fresh, (db) => restore(db, backupDir, MIGRATIONS))).rejects.toThrow(
      /already holds events/,
    );
    await withDirectDb(fresh, (db) => restore(db, backupDir, MIGRATIONS, { force: true }));
    app = await testApp(fresh);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses unsafe directory names and a directory that is no backup', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/admin/backup',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { dir: "/tmp/x'; DROP TABLE events; --" },
    });
    expect(bad.json()).toMatchObject({ statusCode: 400, code: 'CL_INVALID_REQUEST' });
    const { restore } = await import('./backup.js');
    await expect(restore(app.db, os.tmpdir(), MIGRATIONS)).rejects.toThrow(/not a closeloop backup/);
  });
});
