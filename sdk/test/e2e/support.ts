/**
 * Shared helpers for browser specs: read what the real collector stored, through its analyst API;
 * and `test`, which runs each spec against the SDK variant of its Playwright project.
 */
import { readFileSync } from 'node:fs';
import {
  test as base,
  expect,
  type APIRequestContext,
  type BrowserContext,
  type Page,
  type TestInfo,
} from '@playwright/test';
import { E2E_ADMIN_TOKEN } from '../../../playwright.config.js';
import type { ClEvent } from '../../src/protocol.js';
import { EventBatchV2Schema } from '../../../collector/src/ingest/schema-v2.js';
import { toV1 } from '../../../collector/src/ingest/wire-v2.js';
import { fromV3 } from '../../../contract/wire.js';

export { expect };

/**
 * In the Playwright project `core`, every `…/cl.js` the browser loads (the demo site's tags, test
 * pages, the first-party proxy's `/cl/cl.js`) is answered with the core variant `dist/sdk/cl.core.js`
 * (what the collector serves at `/cl.core.js`); in `full`, the real `/cl.js` goes through. Specs of
 * features the core variant does not have (form and click capture, SPA page views) are tagged `@full`.
 */
export async function useVariant(context: BrowserContext, info: TestInfo): Promise<void> {
  if (info.project.name != 'core') return;
  const body = readFileSync('dist/sdk/cl.core.js', 'utf8');
  await context.route('**/cl.js', (route) =>
    route.fulfill({ contentType: 'application/javascript; charset=utf-8', body }),
  );
}

/**
 * After a single-page-app navigation to an address matching `url`: in the project `core` (cl.core.js
 * has no automatic SPA page views), records it the way its docs tell an app to, `closeloop.page()`;
 * in `full`, cl.js has seen it on its own. Either way the same page views are stored.
 */
export async function spaNavigated(page: Page, url: RegExp): Promise<void> {
  await expect(page).toHaveURL(url);
  if (test.info().project.name == 'core')
    await page.evaluate(() => (window as unknown as { closeloop: { page(): void } }).closeloop.page());
}

export const test = base.extend({
  context: async ({ context }, use, info) => {
    await useVariant(context, info);
    await use(context);
  },
});

export type Row = Record<string, unknown>;

export async function query(
  request: APIRequestContext,
  sql: string,
  params: Record<string, string> = {},
): Promise<Row[]> {
  const res = await request.post('/v1/query', {
    headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
    data: { sql, params },
  });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { rows: Row[] }).rows;
}

/** Poll until the query returns at least `count` rows (the SDK batches and flushes within seconds). */
export async function waitForRows(
  request: APIRequestContext,
  sql: string,
  params: Record<string, string>,
  count: number,
): Promise<Row[]> {
  let rows: Row[] = [];
  await expect
    .poll(
      async () => {
        rows = await query(request, sql, params);
        return rows.length;
      },
      { timeout: 15_000, intervals: [250, 500, 1000] },
    )
    .toBeGreaterThanOrEqual(count);
  return rows;
}

/** The visitor id the SDK keeps for this browser context. */
export async function visitorId(page: Page): Promise<string> {
  await page.waitForFunction(
    () =>
      typeof (window as unknown as { closeloop?: { getVisitorId?: unknown } }).closeloop?.getVisitorId === 'function',
  );
  return page.evaluate(() => (window as unknown as { closeloop: { getVisitorId(): string } }).closeloop.getVisitorId());
}

export const PAGEVIEWS_OF_VISITOR = `
  SELECT path, url, title, channel, source, medium, utm_source, utm_medium, utm_campaign, referrer_domain,
         click_id_type, session_start, toString(visitor_id) AS visitor, toString(session_id) AS session, is_bot
  FROM events_with_touch
  WHERE site_id = 'demo' AND type = 'pageview' AND visitor_id = toUUID({visitor:String})
  ORDER BY ts`;

/** Every event of a visitor, oldest first; `props` as a plain object (form fields, custom props). */
export const EVENTS_OF_VISITOR = `
  SELECT toString(event_id) AS id, type, name, path, url, props, email, user_id, toString(visitor_id) AS visitor
  FROM events_with_touch
  WHERE site_id = 'demo' AND visitor_id = toUUID({visitor:String})
  ORDER BY ts`;

/** A test page served at `url` (under the collector's origin, so `/cl.js` and `/v1/events` are the real ones). */
export async function servePage(page: Page, url: string, html: string): Promise<void> {
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
}

/**
 * The events of a request body to `/v1/events` in v1 terms, as the collector reads them (wire format 3
 * read as 2 by contract/wire.ts, decoded by collector/src/ingest/wire-v2.ts: ids are the stored `event_id`s; the touch only where
 * the batch carries it).
 */
export function eventsOf(body: string | null): ClEvent[] {
  const raw = fromV3(JSON.parse(body ?? '{}')) as { v?: number; events?: ClEvent[] };
  return raw.v === 2 ? toV1(EventBatchV2Schema.parse(raw), () => undefined).events : (raw.events ?? []);
}

/** Event ids of every batch the collector accepted (202) for this page, in order. */
export function acceptedEventIds(page: Page): string[][] {
  const batches: string[][] = [];
  page.on('response', (res) => {
    if (!res.url().endsWith('/v1/events') || res.status() != 202) return;
    batches.push(eventsOf(res.request().postData()).map((e) => e.id));
  });
  return batches;
}
