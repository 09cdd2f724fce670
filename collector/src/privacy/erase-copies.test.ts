/**
 * Erasure reaches every copy, through the real app over real HTTP on real embedded ClickHouse, with
 * the app's own log stream captured: a person fills a form (email and a typed value), lands on a
 * GET form's thank-you URL that carries them, and is looked up by email in `/v1/leads?email=`.
 * Stored URLs never hold the email or the value; after `POST /v1/privacy/erase` they are in no
 * table, in no spool file (also the ones already written to ClickHouse), in no other file of the
 * data directory (ClickHouse's live parts and mutation records included) and in no log line of the
 * run — and another person's events, acknowledged meanwhile, are all still stored.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClEvent } from '../../../sdk/src/protocol.js';
import { buildApp } from '../app/app.js';
import type { Config } from '../base/config.js';
import {
  ADMIN_TOKEN,
  CHROME_UA,
  addSite,
  batch,
  pageview,
  sendEvents,
  testConfig,
  touch,
} from '../app/test-support.js';
import { cachedTouchCount } from '../ingest/to-row.js';

const EMAIL = `erase.me.${Date.now()}@example.com`;
const TYPED = `Zyxcorp-${randomUUID().slice(0, 8)}`;
const SECRETS = [EMAIL, TYPED, encodeURIComponent(EMAIL)];

let app: FastifyInstance;
let config: Config;
let base: string;
const logLines: string[] = [];

beforeAll(async () => {
  // Segments large enough that nothing rotates by itself: the drained records stay in the active segment.
  config = testConfig({ CLOSELOOP_LOG_LEVEL: 'info', CLOSELOOP_SPOOL_SEGMENT_BYTES: String(16 * 1024 * 1024) });
  app = await buildApp(config, { logStream: { write: (line: string) => void logLines.push(line) } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(() => app?.close());

const send = (events: ClEvent[]) =>
  fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA, origin: 'http://localhost' },
    body: JSON.stringify(batch(events)),
  });
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** Spool files holding one of the secrets. */
const spoolFilesWith = (secrets: string[]) =>
  readdirSync(config.spool.dir).filter((f) => {
    const bytes = readFileSync(path.join(config.spool.dir, f));
    return secrets.some((s) => bytes.includes(s));
  });

/**
 * Files under `dir` whose bytes contain `needle`, skipping the directories `skip` says (by real
 * path). ClickHouse merges parts in the background, so a file listed a moment ago can be gone when
 * it is read; such a walk is repeated until one completes with every file it listed read.
 */
function filesContaining(dir: string, needle: string, skip: (realDir: string) => boolean): string[] {
  for (let attempt = 0; attempt < 50; attempt++) {
    let vanished = false;
    const hits = new Set<string>();
    const walk = (d: string): void => {
      try {
        const real = realpathSync(d);
        if (skip(real)) return;
        for (const name of readdirSync(real)) {
          const p = path.join(real, name);
          if (statSync(p).isDirectory()) walk(p);
          else if (readFileSync(p).includes(needle)) hits.add(p);
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        vanished = true;
      }
    };
    walk(dir);
    if (!vanished) return [...hits];
  }
  throw new Error(`files under ${dir} kept vanishing during 50 walks`);
}

describe('erasure reaches every copy', () => {
  const visitor = randomUUID();
  const other = randomUUID();
  const thanks = `http://localhost/demo/thanks.html?email=${encodeURIComponent(EMAIL)}&company=${TYPED}&utm_source=newsletter`;

  it("stores URLs without the GET form's values; the spool holds them until the erase", async () => {
    const session = { visitor_id: visitor, session_id: randomUUID() };
    const form = {
      ...pageview(session),
      type: 'form',
      form: { id: 'contact', fields: { email: EMAIL, company: TYPED } },
      email: EMAIL,
    } as ClEvent;
    const landing = pageview({
      ...session,
      url: thanks,
      page_referrer: `http://localhost/demo/contact.html?email=${EMAIL}`,
      session_start: true,
      touch: touch({ landing_url: thanks }),
    });
    expect((await send([form])).status).toBe(202);
    expect((await send([landing])).status).toBe(202); // a later batch: no form field names to go by, only the names and values
    expect((await send([pageview({ visitor_id: other, session_id: randomUUID() })])).status).toBe(202);
    // 202 means spooled; the lead exists once the spool has reached ClickHouse.
    expect(await app.spool.drained(30_000)).toBe(true);
    expect(
      (await fetch(`${base}/v1/leads?site=demo&email=${encodeURIComponent(EMAIL)}`, { headers: admin })).status,
    ).toBe(200);
    expect((await fetch(`${base}/demo/thanks.html?email=${encodeURIComponent(EMAIL)}&company=${TYPED}`)).status).toBe(
      200,
    );

    const [row] = await app.db.query<{ url: string; landing_url: string; page_referrer: string }>(
      `SELECT url, landing_url, page_referrer FROM ${app.db.database}.events WHERE visitor_id = {v:UUID} AND type = 'pageview'`,
      { v: visitor },
    );
    expect(row).toEqual({
      url: 'http://localhost/demo/thanks.html?utm_source=newsletter',
      landing_url: 'http://localhost/demo/thanks.html?utm_source=newsletter',
      page_referrer: 'http://localhost/demo/contact.html',
    });
    // The form event itself keeps the values (that is what a lead is): in ClickHouse and in the drained spool segment.
    expect(spoolFilesWith([EMAIL, TYPED]).length).toBeGreaterThan(0);
  });

  it('after the erase: in no table, no spool file, no log line; the other visitor is untouched', async () => {
    // The cache of touch columns (in memory): a site without forms' session touch is in it (the demo site's
    // batches skip it since it has learned form field names).
    const otherKey = await addSite(app, 'other.test');
    await sendEvents(
      app,
      [pageview({ visitor_id: randomUUID(), session_id: randomUUID(), session_start: true })],
      otherKey,
    );
    expect(cachedTouchCount()).toBeGreaterThan(0);
    const res = await fetch(`${base}/v1/privacy/erase`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ site: 'demo', email: EMAIL }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ deleted: { events: 2 }, spool_files: expect.any(Number) });
    expect(cachedTouchCount()).toBe(0);

    const d = app.db.database;
    const tables = await app.db.query<{ name: string }>(
      "SELECT name FROM system.tables WHERE database = {d:String} AND engine NOT LIKE '%View'",
      { d },
    );
    expect(tables.length).toBeGreaterThan(5);
    for (const { name } of tables) {
      const [r] = await app.db.query<{ n: string }>(
        `SELECT count() AS n FROM ${d}.${name} WHERE position(formatRow('TSV', *), {a:String}) > 0 OR position(formatRow('TSV', *), {b:String}) > 0`,
        { a: EMAIL, b: TYPED },
      );
      expect(Number(r!.n), name).toBe(0);
    }
    expect(spoolFilesWith(SECRETS)).toEqual([]);
    // Nor any other file of the data directory: ClickHouse's part files were rewritten without the
    // rows, and its mutation records name the email only by hash. Only the replaced parts, which
    // ClickHouse deletes after `old_parts_lifetime` (8 min), are left out of the search.
    const outdated = await app.db.query<{ path: string }>('SELECT path FROM system.parts WHERE NOT active');
    const replaced = new Set(outdated.map((r) => r.path.replace(/\/$/, '')));
    for (const s of SECRETS) expect(filesContaining(config.dataDir, s, (dir) => replaced.has(dir))).toEqual([]);
    const logged = logLines.join('');
    expect(logLines.length).toBeGreaterThan(5);
    expect(logged).toContain('/v1/leads?site=demo&email=~');
    for (const s of SECRETS) expect(logged).not.toContain(s);

    const [kept] = await app.db.query<{ n: string }>(
      `SELECT count() AS n FROM ${d}.events WHERE visitor_id = {v:UUID}`,
      { v: other },
    );
    expect(Number(kept!.n)).toBe(1);
  });
});
