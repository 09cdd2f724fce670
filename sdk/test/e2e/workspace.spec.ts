/**
 * The marketer's workspace in the dashboard, in real Chromium against the real collector and its
 * demo data: a date range compared with the previous period (every card and table shows the change),
 * filter chips that change every panel to what the API answers for the same filter, drill-down
 * channel → source → campaign → a lead's timeline, "Download CSV" parsed and compared with the API,
 * and error states that leave no old figures under a new heading.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page, type Request } from '@playwright/test';
import { E2E_ADMIN_TOKEN } from '../../../playwright.config.js';
import { screenshot, settled } from './dashboard-support.js';
import { parseCsv } from '../../../collector/src/cli/csv.js';

const AUTH = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
test.use({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });

async function signIn(page: Page, hash = ''): Promise<void> {
  await page.goto(`/dashboard/${hash}`);
  await page.getByLabel('Admin token').fill(E2E_ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await settled(page);
}

/** The report requests the page makes from now on, by path. */
function watchReports(page: Page): Map<string, URL> {
  const seen = new Map<string, URL>();
  page.on('request', (r: Request) => {
    const u = new URL(r.url());
    if (/^\/v1\/(reports|attribution)\//.test(u.pathname)) seen.set(u.pathname, u);
  });
  return seen;
}

const api = async <T = Record<string, any>>(page: Page, url: URL | string): Promise<T> =>
  (await (await page.request.get(url.toString(), { headers: AUTH })).json()) as T;

test('a date range compared with the previous period: every card and table row shows the change the API implies', async ({
  page,
}, testInfo) => {
  await signIn(page);
  const seen = watchReports(page);
  await page.getByRole('combobox', { name: 'Dates' }).selectOption('7d');
  await page.getByRole('combobox', { name: 'Compare' }).selectOption('previous');
  await settled(page);
  const overviewUrl = seen.get('/v1/reports/overview')!;
  expect(overviewUrl.searchParams.get('compare')).toBe('previous');
  expect(overviewUrl.searchParams.get('from')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  const o = await api(page, overviewUrl);
  expect(o.compare.totals.visitors).toBeGreaterThan(0);
  for (const metric of ['visitors', 'leads']) {
    const card = page.locator(`#overview .card[data-metric=${metric}]`);
    await expect(card.locator('.card-value')).toHaveText(o.totals[metric].toLocaleString('en-US'));
    const change = (o.totals[metric] - o.compare.totals[metric]) / o.compare.totals[metric];
    await expect(card.locator('.delta')).toHaveAttribute('data-change', String(Math.round(change * 10_000) / 10_000));
    // Equal periods (the seeded data can give that) show `±`, as dashboard/src/delta.ts does under 0.05 %.
    await expect(card.locator('.delta')).toContainText(Math.abs(change) < 0.0005 ? '±' : change > 0 ? '▲' : '▼');
  }
  await expect(page.locator('#period-label')).toContainText('compared with the period before');

  const roi = await api(page, seen.get('/v1/attribution/roi')!);
  const row = roi.rows.find((r: { key: string }) =>
    roi.compare.rows.some((p: { key: string; visitors: number }) => p.key === r.key && p.visitors > 0),
  );
  const before = roi.compare.rows.find((p: { key: string }) => p.key === row.key);
  const visitorsChange = Math.round(((row.visitors - before.visitors) / before.visitors) * 10_000) / 10_000;
  await expect(page.locator(`#campaigns tbody tr[data-key="${row.key}"] [data-col=visitors] .delta`)).toHaveAttribute(
    'data-change',
    String(visitorsChange),
  );

  // A custom range: the dates go to the API as days of the site's time zone, the last day included.
  await page.getByRole('combobox', { name: 'Dates' }).selectOption('custom');
  await page.getByLabel('From', { exact: true }).fill('2026-11-01');
  await page.getByLabel('To', { exact: true }).fill('2026-11-15');
  await expect.poll(() => seen.get('/v1/reports/funnel')?.searchParams.get('to')).toBe('2026-11-16');
  expect(seen.get('/v1/reports/funnel')!.searchParams.get('from')).toBe('2026-11-01');
  await settled(page);
  await expect(page.locator('#period-label')).toContainText('Nov 1, 2026 – Nov 15, 2026');
  await page.reload();
  await expect(page.getByLabel('From', { exact: true })).toHaveValue('2026-11-01'); // the range is in the URL
  await screenshot(page, testInfo, 'desktop-range-compare');
});

test('filter chips change every panel to what the API answers for the same filter, and come off again', async ({
  page,
}) => {
  await signIn(page, '#groupBy=channel');
  const seen = watchReports(page);
  await page.locator('#campaigns tbody tr[data-key="Paid Search"] button.drill').click();
  await expect(page.locator('#filter-bar .filter-chip')).toHaveText(/Channel:\s*Paid Search/);
  await settled(page);
  for (const path of ['/v1/reports/overview', '/v1/reports/funnel', '/v1/attribution/roi', '/v1/attribution/compare']) {
    await expect.poll(() => seen.get(path)?.searchParams.get('channel'), path).toBe('Paid Search');
  }
  const o = await api(page, seen.get('/v1/reports/overview')!);
  const all = await api(
    page,
    `/v1/reports/overview?site=demo&from=${seen.get('/v1/reports/overview')!.searchParams.get('from')}&to=${seen.get('/v1/reports/overview')!.searchParams.get('to')}`,
  );
  expect(o.totals.visitors).toBeLessThan(all.totals.visitors);
  await expect(page.locator('#overview .card[data-metric=visitors] .card-value')).toHaveText(
    o.totals.visitors.toLocaleString('en-US'),
  );
  // Drilled into Paid Search: the table lists its sources (google only in the demo).
  const roi = await api(page, seen.get('/v1/attribution/roi')!);
  expect(seen.get('/v1/attribution/roi')!.searchParams.get('groupBy')).toBe('source');
  await expect(page.locator('#campaigns tbody tr')).toHaveCount(roi.rows.length);
  await expect(page.locator('#campaigns thead th').first()).toContainText('Source');
  const funnel = await api(page, seen.get('/v1/reports/funnel')!);
  expect(funnel.rows.map((r: { channel: string }) => r.channel)).toEqual(['Paid Search']);
  await expect(page.locator('#funnel svg.chart')).toContainText('Paid Search');
  await expect(page.locator('#funnel svg.chart')).not.toContainText('Email');

  // A filter added by hand, then both removed.
  await page.getByLabel('Filter on').selectOption('device');
  await page.getByLabel('Filter value').fill('mobile');
  await page.getByRole('button', { name: 'Add filter' }).click();
  await expect(page.locator('#filter-bar .filter-chip')).toHaveCount(2);
  await expect.poll(() => seen.get('/v1/attribution/compare')?.searchParams.get('device')).toBe('mobile');
  await settled(page);
  await page.getByRole('button', { name: /Remove the filter Channel/ }).click();
  await page.getByRole('button', { name: /Remove the filter Device/ }).click();
  await expect(page.locator('#filter-bar .filter-chip')).toHaveCount(0);
  await expect.poll(() => seen.get('/v1/reports/overview')?.searchParams.has('channel')).toBe(false);
  await settled(page);
  await expect(page.locator('#overview .card[data-metric=visitors] .card-value')).toHaveText(
    all.totals.visitors.toLocaleString('en-US'),
  );
});

test("drill-down: channel → source → campaign → the campaign's leads → a lead's timeline", async ({
  page,
}, testInfo) => {
  await signIn(page, '#groupBy=channel&range=90d');
  await page.locator('#campaigns tbody tr[data-key="Paid Search"] button.drill').click();
  await expect(page.locator('#campaigns tbody tr[data-key="google"]')).toBeVisible();
  await settled(page);
  await page.locator('#campaigns tbody tr[data-key="google"] button.drill').click();
  await expect(page.locator('#campaigns tbody tr[data-key="brand"]')).toBeVisible();
  await expect(page.locator('#campaigns tbody tr[data-key="spring-launch"]')).toHaveCount(0); // a Facebook campaign
  await settled(page);
  await page.locator('#campaigns tbody tr[data-key="brand"] button.drill').click();
  await expect(page.locator('#filter-bar .filter-chip')).toHaveCount(3);
  await settled(page);
  // The lead panel's list comes after every report of the new filter (one embedded ClickHouse answers them in turn).
  await expect(page.locator('#lead .recent-label')).toHaveText('Leads of this period and filter:', { timeout: 30_000 });
  const first = page.locator('#lead .recent .chip').first();
  const email = (await first.textContent())!;
  await first.click();
  const timeline = page.locator('#lead article.lead');
  await expect(timeline.locator('h3')).toHaveText(email);
  await expect(timeline.locator('li.event.visit', { hasText: 'campaign brand' }).first()).toBeVisible();
  await page.locator('#lead').scrollIntoViewIfNeeded();
  await screenshot(page, testInfo, 'desktop-drill-down');
});

test('Download CSV gives the rows the API answers', async ({ page }) => {
  await signIn(page);
  const answered = page.waitForResponse(
    (r) => r.url().includes('/v1/attribution/roi') && r.url().includes('groupBy=channel'),
  );
  await page.getByRole('combobox', { name: 'Group by' }).selectOption('channel');
  const json = await api(page, (await answered).url());
  await settled(page);
  const download = page.waitForEvent('download');
  await page.locator('#campaigns button[data-csv]').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(
    /^closeloop-attribution-roi-demo-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/,
  );
  const [header, ...rows] = parseCsv(readFileSync((await file.path())!, 'utf8')).map((r) => r.fields);
  expect(header).toEqual([
    'key',
    'visitors',
    'sessions',
    'cost',
    'leads',
    'customers',
    'revenue',
    'cost_per_lead',
    'cac',
    'roas',
    'roi',
  ]);
  expect(rows).toEqual(
    json.rows.map((r: Record<string, unknown>) => header!.map((c) => (r[c] === null ? '' : String(r[c])))),
  );

  for (const [section, path] of [
    ['overview', 'reports/overview'],
    ['funnel', 'reports/funnel'],
    ['models', 'attribution/compare'],
  ]) {
    const d = page.waitForEvent('download');
    await page.locator(`#${section} button[data-csv="${path}"]`).click();
    const text = readFileSync((await (await d).path())!, 'utf8');
    expect(parseCsv(text).length, path).toBeGreaterThan(2);
  }
});

test('a range the API refuses: every panel shows the error and no figures of the previous range', async ({ page }) => {
  await signIn(page);
  await expect(page.locator('#overview .card')).toHaveCount(4);
  await page.getByRole('combobox', { name: 'Dates' }).selectOption('custom');
  await page.getByLabel('From', { exact: true }).fill('2020-01-01'); // more than 3 years: refused with CL_INVALID_REQUEST
  for (const id of ['overview', 'campaigns', 'models', 'funnel']) {
    await expect(page.locator(`#${id} .section-error`)).toContainText('at most 3 years');
  }
  await expect(page.locator('#overview .card')).toHaveCount(0);
  await expect(page.locator('#campaigns table.data')).toHaveCount(0);
  await expect(page.locator('#models svg.chart, #funnel svg.chart')).toHaveCount(0);
  await page.getByRole('combobox', { name: 'Dates' }).selectOption('30d');
  await settled(page);
  await expect(page.locator('.section-error:visible')).toHaveCount(0);
});

test('pages and paths: the landing pages and the entry → conversion paths the API answers', async ({
  page,
}, testInfo) => {
  const seen = watchReports(page);
  await signIn(page);
  const pages = await api(page, seen.get('/v1/reports/pages')!);
  expect(pages.rows.length).toBeGreaterThan(2);
  const table = page.locator('#paths .pages-box table.data');
  await expect(table.locator('tbody tr')).toHaveCount(pages.rows.length);
  for (const r of pages.rows.slice(0, 3)) {
    for (const col of ['entrances', 'leads', 'customers', 'assisted_leads', 'assisted_customers']) {
      await expect(table.locator(`tbody tr[data-key="${r.page}"] [data-col=${col}]`)).toHaveAttribute(
        'data-value',
        String(r[col]),
      );
    }
  }
  expect(pages.rows.some((r: { assisted_leads: number }) => r.assisted_leads > 0)).toBe(true);

  const paths = await api(page, seen.get('/v1/reports/paths')!);
  expect(paths.rows.length).toBeGreaterThan(0);
  const pathTable = page.locator('#paths .paths-box table.data');
  await expect(pathTable.locator('tbody tr')).toHaveCount(paths.rows.length);
  const top = paths.rows[0];
  expect(top.path).toMatch(/^\/.* → /);
  await expect(pathTable.locator('tbody tr').first().locator('[data-col=path]')).toHaveText(top.path);
  await expect(pathTable.locator('tbody tr').first().locator('[data-col=conversions]')).toHaveAttribute(
    'data-value',
    String(top.conversions),
  );

  // Customers' paths are asked for when chosen.
  await page.getByRole('combobox', { name: 'Paths of' }).selectOption('customer');
  await expect.poll(() => seen.get('/v1/reports/paths')?.searchParams.get('conversion')).toBe('customer');
  await expect(page.locator('#paths[aria-busy=true]')).toHaveCount(0, { timeout: 30_000 });
  const customers = await api(page, seen.get('/v1/reports/paths')!);
  await expect(pathTable.locator('tbody tr')).toHaveCount(customers.rows.length);
  await page.locator('#paths').scrollIntoViewIfNeeded();
  await screenshot(page, testInfo, 'desktop-paths');
});

test('stated source beside the model: what leads said, next to the channels the model credits for them', async ({
  page,
}, testInfo) => {
  const seen = watchReports(page);
  await signIn(page, '#model=first_touch');
  const url = seen.get('/v1/reports/stated-source')!;
  expect(url.searchParams.get('model')).toBe('first_touch');
  const body = await api(page, url);
  expect(body.total.stated).toBeGreaterThan(10);
  expect(body.rows.map((r: { key: string }) => r.key)).toEqual(
    expect.arrayContaining(['Podcast', 'A friend or colleague', 'Google']),
  );
  const table = page.locator('#stated table.data');
  await expect(table.locator('tbody tr')).toHaveCount(body.rows.length);
  for (const r of body.rows) {
    const tr = table.locator(`tbody tr[data-key="${r.key}"]`);
    await expect(tr.locator('[data-col=stated]')).toHaveAttribute('data-value', String(r.stated));
    await expect(tr.locator('[data-col=top_channel]')).toHaveText(r.top_channel ?? '—');
  }
  // "Said Podcast, data says …": a channel the data can see, never "Podcast".
  const podcast = body.rows.find((r: { key: string }) => r.key === 'Podcast');
  expect(podcast.channels.length).toBeGreaterThan(0);
  await expect(page.locator('#stated .stated-total')).toContainText(
    `${body.total.stated} of ${body.total.conversions} leads`,
  );
  await page.locator('#stated').scrollIntoViewIfNeeded();
  await screenshot(page, testInfo, 'desktop-stated-source');
  // The model follows the campaigns table's.
  await page.getByRole('combobox', { name: 'Attribution model' }).selectOption('last_touch');
  await expect.poll(() => seen.get('/v1/reports/stated-source')?.searchParams.get('model')).toBe('last_touch');
  await settled(page);
  await expect(table.locator('tbody tr')).toHaveCount(
    (await api(page, seen.get('/v1/reports/stated-source')!)).rows.length,
  );
});

test('the workspace at desktop and phone width: comparison, a filter chip, deltas (screenshots for docs/dashboard.md)', async ({
  page,
}, testInfo) => {
  await signIn(page, '#range=30d&compare=previous&groupBy=campaign&f.channel=Paid%20Search');
  await expect(page.locator('#filter-bar .filter-chip')).toHaveText(/Channel:\s*Paid Search/);
  await expect(page.locator('#overview .card .delta')).toHaveCount(4);
  await expect(page.locator('#campaigns tbody tr').first().locator('.delta').first()).toBeVisible();
  await screenshot(page, testInfo, 'desktop-workspace');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await settled(page);
  await expect(page.locator('#overview .card .delta')).toHaveCount(4);
  await page.mouse.move(0, 0);
  const file = testInfo.outputPath('mobile-workspace.png');
  await page.screenshot({ path: file }); // the first screen a phone shows
  await testInfo.attach('mobile-workspace', { path: file, contentType: 'image/png' });
  await page.locator('#campaigns').scrollIntoViewIfNeeded();
  const table = testInfo.outputPath('mobile-workspace-campaigns.png');
  await page.screenshot({ path: table });
  await testInfo.attach('mobile-workspace-campaigns', { path: table, contentType: 'image/png' });
});
