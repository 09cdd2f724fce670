/**
 * Read-only share links, in real Chromium against the real collector: the admin creates a link
 * (a share token in the URL fragment, never in a query string), someone without the admin token
 * opens it in a fresh browser — reports without sign-in, no lead timelines, no admin actions, the
 * same figures the API gives that token — and the admin revokes it.
 */
import { expect, test } from '@playwright/test';
import { E2E_ADMIN_TOKEN } from '../../../playwright.config.js';
import { screenshot, settled } from './dashboard-support.js';

test.use({ locale: 'en-US', timezoneId: 'UTC' });

test('a share link opens a read-only dashboard without sign-in, and stops working once revoked', async ({
  page,
  browser,
}, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/dashboard/#range=7d&groupBy=channel');
  await page.getByLabel('Admin token').fill(E2E_ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await settled(page);
  await page.getByRole('button', { name: 'Share' }).click();
  await page.getByLabel('Name of the link').fill('Board report');
  await page.getByRole('button', { name: 'Create read-only link' }).click();
  const link = await page.locator('#share-box input.share-link').inputValue();
  expect(link).toMatch(/\/dashboard\/#share=sh_[\w-]+&site=demo&/);
  expect(new URL(link).search).toBe(''); // the token is in the fragment only
  expect(link).toContain('range=7d');
  const token = decodeURIComponent(/share=([^&]+)/.exec(link)![1]!);
  await expect(page.locator('#share-box li', { hasText: 'Board report' })).toHaveCount(1);

  // Someone else, in a fresh browser with nothing stored.
  for (const [name, viewport] of [
    ['desktop', { width: 1280, height: 900 }],
    ['mobile', { width: 390, height: 844 }],
  ] as const) {
    const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
    const viewer = await context.newPage();
    const urls: string[] = [];
    const auth = new Set<string>();
    viewer.on('request', (r) => {
      urls.push(r.url());
      if (r.url().includes('/v1/')) auth.add(r.headers().authorization ?? '');
    });
    const roiAnswer = viewer.waitForResponse((r) => r.url().includes('/v1/attribution/roi'));
    await viewer.goto(link);
    await settled(viewer);
    await expect(viewer.getByLabel('Admin token')).toBeHidden();
    await expect(viewer.locator('#read-only-note')).toBeVisible();
    await expect(viewer.locator('#lead')).toBeHidden();
    await expect(viewer.getByRole('button', { name: 'Share' })).toBeHidden();
    await expect(viewer.getByRole('button', { name: 'Sign out' })).toBeHidden();
    // The figures are the API's for this token.
    const roi = await roiAnswer;
    expect(roi.status()).toBe(200);
    const body = (await roi.json()) as { rows: { key: string; visitors: number }[] };
    await expect(viewer.locator('#campaigns tbody tr')).toHaveCount(body.rows.length);
    await expect(viewer.locator('#campaigns tbody tr[data-key="Paid Search"] [data-col=visitors]')).toHaveAttribute(
      'data-value',
      String(body.rows.find((r) => r.key === 'Paid Search')!.visitors),
    );
    await expect(viewer.locator('#paths .pages-box table.data')).toBeVisible();
    expect([...auth]).toEqual([`Bearer ${token}`]);
    expect(urls.filter((u) => u.includes(token) && !u.includes('#'))).toEqual([]); // never in a request URL
    expect(await viewer.evaluate(() => sessionStorage.length + localStorage.length)).toBe(0);
    await screenshot(viewer, testInfo, `${name}-shared-read-only`);
    await context.close();
  }

  // The token reads reports, not leads or SQL.
  const bearer = { authorization: `Bearer ${token}` };
  expect((await page.request.get('/v1/reports/overview?site=demo', { headers: bearer })).status()).toBe(200);
  expect((await page.request.get('/v1/leads?site=demo&email=a@example.com', { headers: bearer })).status()).toBe(403);
  expect((await page.request.post('/v1/query', { headers: bearer, data: { sql: 'SELECT 1' } })).status()).toBe(403);

  // Revoked: the link no longer opens the reports.
  await page.locator('#share-box li', { hasText: 'Board report' }).getByRole('button', { name: 'Revoke' }).click();
  await expect(page.locator('#share-box li', { hasText: 'Board report' })).toHaveCount(0);
  const context = await browser.newContext();
  const viewer = await context.newPage();
  await viewer.goto(link);
  await expect(viewer.getByRole('alert')).toContainText('This share link does not work');
  await expect(viewer.locator('#app')).toBeHidden();
  await context.close();
});
