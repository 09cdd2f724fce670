/**
 * The dashboard at /dashboard/, in real Chromium against the real collector and its generated demo
 * data: sign in with the admin token, every section drawn with data, the campaigns table showing
 * exactly what GET /v1/attribution/roi answers for the chosen model, a lead's timeline, a bad token
 * refused — under the page's strict Content-Security-Policy (no violation may be reported).
 *
 * Full-page screenshots of each view, at desktop and phone widths, are attached to the test
 * results (test-results/e2e/…/*.png); docs/dashboard.png is one of them.
 */
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { E2E_ADMIN_TOKEN } from '../../../playwright.config.js';
import type { RoiRow } from '../../../collector/src/attribution/roi.js';
import { settled } from './dashboard-support.js';
import { query } from './support.js';

const AUTH = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const WIDTHS = { desktop: { width: 1280, height: 900 }, mobile: { width: 390, height: 844 } } as const;

test.use({ locale: 'en-US', timezoneId: 'UTC' });

/** Page errors and CSP violations: the dashboard must run without either. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  return problems;
}

async function signIn(page: Page): Promise<void> {
  await page.goto('/dashboard/');
  await page.getByLabel('Admin token').fill(E2E_ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await settled(page); // eight reports from one embedded ClickHouse: generous timeouts
  await expect(page.locator('#overview svg.chart')).toBeVisible();
  await expect(page.locator('#models svg.chart')).toBeVisible();
  await expect(page.locator('#funnel svg.chart')).toBeVisible();
}

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.mouse.move(0, 0); // no hover highlight in the picture
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** A customer's email, found through the analyst API as a marketer would. */
async function customerEmail(page: Page): Promise<string> {
  const rows = await query(
    page.request,
    "SELECT email FROM people WHERE site_id = 'demo' AND stage = 'customer' AND email != '' ORDER BY email LIMIT 1",
  );
  expect(rows.length, 'the demo data has customers').toBe(1);
  return String(rows[0]!.email);
}

for (const [name, viewport] of Object.entries(WIDTHS)) {
  test.describe(`at ${name} width (${viewport.width} px)`, () => {
    test.use({ viewport });

    test('signs in and shows totals, the daily chart, campaigns, models and the funnel', async ({
      page,
      request,
    }, testInfo) => {
      const problems = watchProblems(page);
      await page.goto('/dashboard/');
      await expect(page.getByRole('heading', { name: 'Sign in to the dashboard' })).toBeVisible();
      await screenshot(page, testInfo, `${name}-sign-in`);
      await signIn(page);

      // The totals are the overview report's, for the period the page asked for.
      const overviewCall = await page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((e) => e.name)
          .find((u) => u.includes('/v1/reports/overview'))!,
      );
      const overview = (await (await request.get(overviewCall, { headers: AUTH })).json()) as {
        totals: { visitors: number; leads: number };
      };
      expect(overview.totals.visitors).toBeGreaterThan(100);
      await expect(page.locator('#overview .card[data-metric=visitors] .card-value')).toHaveText(
        overview.totals.visitors.toLocaleString('en-US'),
      );
      await expect(page.locator('#overview .card[data-metric=leads] .card-value')).toHaveText(
        overview.totals.leads.toLocaleString('en-US'),
      );

      // Real charts with data in them.
      await expect(page.locator('#overview svg .series path.line').first()).toHaveAttribute('d', /L/);
      expect(await page.locator('#overview svg .hits rect').count()).toBeGreaterThanOrEqual(28);
      expect(await page.locator('#models svg rect.bar').count()).toBeGreaterThanOrEqual(9 * 3);
      expect(await page.locator('#funnel svg .f0 rect.bar').count()).toBeGreaterThanOrEqual(3);
      await expect(page.locator('#models .legend-item')).toHaveCount(9);

      // A card switches the chart to its metric (bars for leads).
      await page.locator('#overview .card[data-metric=leads]').click();
      await expect(page.locator('#overview .chart-title')).toHaveText('Leads per day');
      expect(await page.locator('#overview svg .series rect.bar').count()).toBeGreaterThan(5);
      await page.locator('#overview .card[data-metric=visitors]').click();

      await screenshot(page, testInfo, `${name}-dashboard`);
      expect(problems).toEqual([]);
    });

    test('shows a lead found through the API, with every visit, form, stage and deal', async ({ page }, testInfo) => {
      const problems = watchProblems(page);
      const email = await customerEmail(page);
      const res = await page.request.get(`/v1/leads?site=demo&email=${encodeURIComponent(email)}`, { headers: AUTH });
      expect(res.status()).toBe(200);
      const lead = (await res.json()) as {
        touches: unknown[];
        forms: unknown[];
        stages: unknown[];
        deals: unknown[];
        visitors: unknown[];
      };

      await signIn(page);
      await page.getByLabel("Lead's email").fill(email);
      await page.getByRole('button', { name: 'Show timeline' }).click();
      const timeline = page.locator('#lead article.lead');
      await expect(timeline.locator('h3')).toHaveText(email);
      await expect(timeline.locator('.badge')).toHaveText('customer');
      await expect(timeline.locator('li.event.visit')).toHaveCount(lead.touches.length);
      await expect(timeline.locator('li.event.form')).toHaveCount(lead.forms.length);
      await expect(timeline.locator('li.event.stage')).toHaveCount(lead.stages.length);
      await expect(timeline.locator('li.event.deal')).toHaveCount(lead.deals.length);
      await expect(timeline.locator('ul.devices li')).toHaveCount(lead.visitors.length);
      await expect(timeline.locator('li.event.deal', { hasText: 'won' })).toHaveCount(1);

      await page.getByLabel("Lead's email").fill('nobody-at-all@example.com');
      await page.getByRole('button', { name: 'Show timeline' }).click();
      await expect(page.locator('#lead .lead-result')).toContainText(
        'No lead with the email nobody-at-all@example.com',
      );

      await page.locator('#lead .chip').first().click();
      await expect(timeline.locator('li.event').first()).toBeVisible();
      await page.getByLabel("Lead's email").fill(email);
      await page.getByRole('button', { name: 'Show timeline' }).click();
      await expect(timeline.locator('h3')).toHaveText(email);
      await page.locator('#lead').scrollIntoViewIfNeeded();
      await screenshot(page, testInfo, `${name}-lead-timeline`);
      expect(problems).toEqual([]);
    });
  });
}

test('switching the model changes the campaigns table to the numbers GET /v1/attribution/roi answers', async ({
  page,
  request,
}) => {
  const problems = watchProblems(page);
  await signIn(page);
  const table = page.locator('#campaigns table.data');
  const cell = (key: string, col: string) => table.locator(`tbody tr[data-key="${key}"] [data-col="${col}"]`);
  const seen: Record<string, RoiRow[]> = {};

  for (const model of ['first_touch', 'markov', 'u_shaped']) {
    const answered = page.waitForResponse(
      (r) => r.url().includes('/v1/attribution/roi') && r.url().includes(`model=${model}`),
    );
    await page.getByRole('combobox', { name: 'Attribution model' }).selectOption(model);
    const url = (await answered).url();
    expect(new URL(url).searchParams.get('groupBy')).toBe('campaign');
    // The same question, asked by the test itself.
    const api = (await (await request.get(url, { headers: AUTH })).json()) as {
      rows: RoiRow[];
      total: { cost: number; revenue: number };
    };
    expect(api.rows.length).toBeGreaterThan(3);
    seen[model] = api.rows;

    await expect(table.locator('tbody tr')).toHaveCount(api.rows.length);
    for (const row of api.rows.slice(0, 4)) {
      for (const col of ['cost', 'leads', 'customers', 'revenue', 'cac', 'roas', 'roi'] as const) {
        await expect(cell(row.key, col), `${model} ${row.key} ${col}`).toHaveAttribute(
          'data-value',
          row[col] === null ? 'null' : String(row[col]),
        );
      }
      const eur = (n: number) =>
        n.toLocaleString('en-US', {
          style: 'currency',
          currency: 'EUR',
          minimumFractionDigits: Math.abs(n) >= 100 || n === 0 ? 0 : 2,
          maximumFractionDigits: Math.abs(n) >= 100 || n === 0 ? 0 : 2,
        });
      await expect(cell(row.key, 'revenue')).toHaveText(eur(row.revenue));
      await expect(cell(row.key, 'leads')).toHaveText(row.leads.toLocaleString('en-US', { maximumFractionDigits: 1 }));
    }
    await expect(table.locator('tfoot [data-col=cost]')).toHaveText(
      api.total.cost.toLocaleString('en-US', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }),
    );
    await expect(page.locator('#campaigns .model-help')).toContainText(
      model === 'markov' ? 'Data-driven' : model === 'u_shaped' ? 'U-shaped' : 'First touch',
    );
  }
  // The models really disagree, so the table really changed.
  const leadsOf = (model: string) => JSON.stringify(seen[model]!.map((r) => [r.key, r.leads]).sort());
  expect(leadsOf('first_touch')).not.toEqual(leadsOf('markov'));

  // Grouping by channel asks for channels, and the view survives a reload (it is in the URL).
  const answered = page.waitForResponse(
    (r) => r.url().includes('/v1/attribution/roi') && r.url().includes('groupBy=channel'),
  );
  await page.getByRole('combobox', { name: 'Group by' }).selectOption('channel');
  const byChannel = (await (await request.get((await answered).url(), { headers: AUTH })).json()) as { rows: RoiRow[] };
  await expect(table.locator('thead th').first()).toContainText('Channel');
  await expect(table.locator('tbody tr')).toHaveCount(byChannel.rows.length);
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Attribution model' })).toHaveValue('u_shaped');
  await expect(page.getByRole('combobox', { name: 'Group by' })).toHaveValue('channel');
  await expect(table.locator('tbody tr[data-key="Paid Search"]')).toBeVisible();
  expect(problems).toEqual([]);
});

test('a bad token is refused with an error; signing out forgets the token', async ({ page }, testInfo) => {
  await page.setViewportSize(WIDTHS.desktop);
  await page.goto('/dashboard/');
  await page.getByLabel('Admin token').fill('not-the-admin-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('This token was not accepted');
  await expect(page.locator('#app')).toBeHidden();
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  await screenshot(page, testInfo, 'desktop-bad-token');

  await signIn(page);
  await page.reload();
  await expect(page.locator('#campaigns table.data')).toBeVisible(); // the tab keeps the session
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Admin token')).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  await page.reload();
  await expect(page.getByLabel('Admin token')).toBeVisible();
});

test('the dashboard is served with a strict Content-Security-Policy, and the start page links to it', async ({
  request,
}) => {
  const page = await request.get('/dashboard/');
  expect(page.status()).toBe(200);
  expect(page.headers()['content-security-policy']).toContain("script-src 'self'");
  expect(await page.text()).not.toMatch(/<script>|style=/);
  expect((await request.get('/dashboard/js/collector/dashboard/src/main.js')).status()).toBe(200);
  expect((await request.get('/dashboard/tsconfig.json')).status()).toBe(404);
  expect(await (await request.get('/')).text()).toContain('href="/dashboard/"');
});
