/**
 * Helpers for integration tests: a collector on a fresh temp data dir with real ClickHouse —
 * embedded chDB, or (vitest project `server`) the test ClickHouse HTTP server in another process,
 * with a database of its own per config. Test-only: excluded from the build.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { expect, inject } from 'vitest';
import type { ClEvent, EventBatch, Touch } from '../../../sdk/src/protocol.js';
import { buildApp } from './app.js';
import { loadConfig, type Config } from '../base/config.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** 'server' when this vitest project runs the suite against the test ClickHouse server. */
export const STORE_MODE: 'embedded' | 'server' = inject('clickhouseUrl') ? 'server' : 'embedded';

/** The store settings for a new test collector: none (embedded), or the server and a fresh database. */
export function testStoreEnv(): Record<string, string> {
  const url = inject('clickhouseUrl');
  return url ? { CLICKHOUSE_URL: url, CLICKHOUSE_DATABASE: `t_${randomUUID().replaceAll('-', '')}` } : {};
}

/** The store settings of an existing config (another process or CLI on the same store). */
export function storeEnvOf(config: Config): Record<string, string> {
  const { url, database } = config.clickhouse;
  return url ? { CLICKHOUSE_URL: url, CLICKHOUSE_DATABASE: database } : {};
}

export function testConfig(
  overrides: Record<string, string> = {},
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'closeloop-test-')),
): Config {
  return loadConfig({
    CLOSELOOP_DATA_DIR: dataDir,
    CLOSELOOP_ADMIN_TOKEN: ADMIN_TOKEN,
    CLOSELOOP_DEMO: 'true',
    CLOSELOOP_DEMO_DATA: 'false',
    CLOSELOOP_INSERT_INTERVAL_MS: '5',
    CLOSELOOP_RATE_LIMIT: '0',
    CLOSELOOP_SHUTDOWN_GRACE_S: '5',
    ...testStoreEnv(),
    ...overrides,
  });
}

export function testApp(config: Config = testConfig()): Promise<FastifyInstance> {
  return buildApp(config, { logger: false });
}

export const CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

export function touch(over: Partial<Touch> = {}): Touch {
  return { ts: Date.now() - 1000, referrer: '', landing_url: 'http://localhost/demo/', ...over };
}

export function pageview(over: Partial<ClEvent> = {}): ClEvent {
  return {
    type: 'pageview',
    id: randomUUID(),
    ts: Date.now(),
    visitor_id: '11111111-1111-4111-8111-111111111111',
    session_id: '22222222-2222-4222-8222-222222222222',
    url: 'http://localhost/demo/',
    title: 'Demo',
    touch: touch(),
    ...over,
  } as ClEvent;
}

export function batch(events: ClEvent[], site = 'pk_demo'): EventBatch {
  return { site, sent_at: Date.now(), sdk: 'test', events };
}

/** Adds a site for `domain` through the admin API; answers its public key. */
export async function addSite(app: FastifyInstance, domain: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/admin/sites',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: { domain },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().public_key;
}

/** Posts `body` (JSON) to `/v1/events` as a browser does: text/plain, a desktop Chrome UA unless told. */
export function postEvents(app: FastifyInstance, body: unknown, userAgent = CHROME_UA) {
  return app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': 'text/plain', 'user-agent': userAgent },
    payload: JSON.stringify(body),
  });
}

/** Posts `events` as a browser does and expects them acknowledged. */
export async function sendEvents(
  app: FastifyInstance,
  events: ClEvent[],
  publicKey: string,
  userAgent = CHROME_UA,
): Promise<void> {
  const res = await postEvents(app, batch(events, publicKey), userAgent);
  expect(res.statusCode, res.body).toBe(202);
}

/** Rows via the analyst API, the way an analyst would read them (after the spool is written to ClickHouse). */
export async function sql<T = Record<string, unknown>>(app: FastifyInstance, query: string): Promise<T[]> {
  if (!(await app.spool.drained(30_000))) throw new Error(`spool not drained: ${JSON.stringify(app.spool.stats())}`);
  const res = await app.inject({
    method: 'POST',
    url: '/v1/query',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: { sql: query },
  });
  if (res.statusCode !== 200) throw new Error(`query failed ${res.statusCode}: ${res.body}`);
  return (res.json() as { rows: T[] }).rows;
}
