/** Shared helpers for browser specs: read what the real collector stored, through its analyst API. */
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { E2E_ADMIN_TOKEN } from '../../../playwright.config.js';

export type Row = Record<string, unknown>;

export async function query(request: APIRequestContext, sql: string, params: Record<string, string> = {}): Promise<Row[]> {
  const res = await request.post('/v1/query', { headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` }, data: { sql, params } });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { rows: Row[] }).rows;
}

/** Poll until the query returns at least `count` rows (the SDK batches and flushes within seconds). */
export async function waitForRows(request: APIRequestContext, sql: string, params: Record<string, string>, count: number): Promise<Row[]> {
  let rows: Row[] = [];
  await expect
    .poll(async () => {
      rows = await query(request, sql, params);
      return rows.length;
    }, { timeout: 15_000, intervals: [250, 500, 1000] })
    .toBeGreaterThanOrEqual(count);
  return rows;
}

/** The visitor id the SDK keeps for this browser context. */
export async function visitorId(page: Page): Promise<string> {
  await page.waitForFunction(() => typeof (window as unknown as { closeloop?: { getVisitorId?: unknown } }).closeloop?.getVisitorId === 'function');
  return page.evaluate(() => (window as unknown as { closeloop: { getVisitorId(): string } }).closeloop.getVisitorId());
}

export const PAGEVIEWS_OF_VISITOR = `
  SELECT path, url, title, channel, source, medium, utm_source, utm_medium, utm_campaign, referrer_domain,
         click_id_type, session_start, toString(visitor_id) AS visitor, toString(session_id) AS session, is_bot
  FROM events FINAL
  WHERE site_id = 'demo' AND type = 'pageview' AND visitor_id = toUUID({visitor:String})
  ORDER BY ts`;
